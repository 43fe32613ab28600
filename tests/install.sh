#!/bin/bash
# install.sh — issue 10 item 1: `cmake --install` into a temporary prefix gives an installable
# library: libjisr.so.0.MINOR while the major version is 0 (libjisr.so.MAJOR after; only jisr_
# symbols exported) and libjisr.a (only jisr_ symbols global either: its internals are local
# symbols of one object), the public headers under include/jisr/ (no private header, none
# including one), jisr.pc (the shared library, needing no dependency's .pc file), jisr-static.pc
# and a CMake package. A small program (tests/install_demo.c: segment, align, write/read TMX,
# import, query) is built out of the tree with `pkg-config --cflags --libs jisr` and
# `... jisr-static`, and with find_package(jisr) against both the shared and the static library,
# and run; so is a program with functions named like the library's internals
# (tests/install_clash.c), linked statically.
# The installed jisr runs from the install tree: `jisr serve` (libmicrohttpd, loaded when it
# starts) and a DOCX read (libzip, loaded by libjisr on the first one), neither library NEEDED
# by jisr or libjisr.so.
# Environment: JISR_BUILD_DIR (the build tree), JISR_SOURCE_DIR, JISR_DEMO_CFLAGS (sanitizer
# flags of an ASan build, so the demo links with the same runtime).
set -u
B=${JISR_BUILD_DIR:?}
S=${JISR_SOURCE_DIR:?}
DOCX=$S/tests/data/doc/report.en.docx
CC=${CC:-cc}
EXTRA=${JISR_DEMO_CFLAGS:-}
T=$(mktemp -d /tmp/jisr-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/prefix
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

cmake --install "$B" --prefix "$P" >"$T/install.log" 2>&1
check "cmake --install succeeds" '[ $? -eq 0 ]'
lib=$(ls -d "$P"/lib*/ | head -1)
lib=${lib%/}
# the SONAME: libjisr.so.0.MINOR while the major version is 0 (each minor may change the ABI)
ver=$(sed -n "s/^project(jisr VERSION \([0-9.]*\).*/\1/p" "$S/CMakeLists.txt")
major=${ver%%.*}
minor=${ver#*.}
minor=${minor%%.*}
if [ "$major" = 0 ]; then sov=0.$minor; else sov=$major; fi
so=libjisr.so.$sov
check "shared library with its SONAME $so, and the static one" \
    '[ -f "$lib/libjisr.a" ] && [ -L "$lib/libjisr.so" ] && [ -L "$lib/$so" ] && objdump -p "$lib/libjisr.so" | grep -q "SONAME *$so\$"'
check "no libjisr.so.$major link (a 0.x program must not load another minor's library)" \
    '[ "$major" != 0 ] || [ ! -e "$lib/libjisr.so.$major" ]'
others=$(nm -D --defined-only "$lib/libjisr.so" | awk '{print $NF}' | grep -v '^jisr_')
check "nm -D --defined-only shows only jisr_ symbols ($(nm -D --defined-only "$lib/libjisr.so" | wc -l) exported)" \
    '[ -z "$others" ]'
[ -n "$others" ] && echo "# not jisr_: $others"
# the archive's global symbols are the shared library's exports, no internal one (tm_distance,
# doc_error, jisr_u64set_add …: a static consumer could not define its own)
nm -g --defined-only "$lib/libjisr.a" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u >"$T/a.syms"
nm -D --defined-only "$lib/libjisr.so" | awk '{print $NF}' | sort -u >"$T/so.syms"
check "libjisr.a defines globally the $(wc -l <"$T/so.syms") symbols libjisr.so exports, and nothing else ($(wc -l <"$T/a.syms") global)" \
    'cmp -s "$T/a.syms" "$T/so.syms" || { diff "$T/so.syms" "$T/a.syms" | head -5; false; }'

check "public headers under include/jisr/, the umbrella jisr.h among them" \
    '[ -f "$P/include/jisr/jisr.h" ] && [ -f "$P/include/jisr/util/util.h" ] && [ -f "$P/include/jisr/text/text.h" ] && [ -f "$P/include/jisr/formats/formats.h" ]'
check "no private header installed" '[ -z "$(find "$P/include" -name "*_int.h" -o -name utf8.h -o -name plural.h)" ]'
check "no installed header includes a private one" '! grep -rqE "#include .*(_int\.h|utf8\.h|plural\.h)" "$P/include"'
# every public header compiles on its own, from the install tree only (no -I into the sources)
for h in $(cd "$P/include" && find jisr -name '*.h'); do
    printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >"$T/h.c"
    if $CC -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$P/include" -c "$T/h.c" -o "$T/h.o" 2>"$T/h.err"; then
        ok "<$h> compiles alone"
    else
        bad "<$h> compiles alone: $(head -3 "$T/h.err")"
    fi
done

mkdir -p "$T/w1" "$T/w2" "$T/w3" "$T/w5" "$T/nopc"
export PKG_CONFIG_PATH=$lib/pkgconfig
check "pkg-config knows jisr $(pkg-config --modversion jisr 2>/dev/null)" '[ "$(pkg-config --modversion jisr)" = "$ver" ]'
# the shared library's module needs no dependency's .pc file (nor their headers' -I)
flags=$(PKG_CONFIG_LIBDIR=$T/nopc PKG_CONFIG_PATH=$lib/pkgconfig pkg-config --cflags --libs jisr 2>&1)
check "pkg-config --cflags --libs jisr with only jisr's .pc files: $flags" \
    '[ $? -eq 0 ] && ! printf "%s" "$flags" | grep -qE "not found|libxml2|icu"'
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $EXTRA "$S/tests/install_demo.c" $flags \
    -Wl,-rpath,"$lib" -o "$T/demo_pc" 2>"$T/cc.err"
check "the demo builds with pkg-config --cflags --libs jisr" '[ $? -eq 0 ] || { cat "$T/cc.err"; false; }'
"$T/demo_pc" "$T/w1" "$DOCX" >"$T/out1" 2>&1
check "... and segments, aligns, imports, queries and reads a DOCX" '[ $? -eq 0 ] && grep -qx ok "$T/out1" && grep -q "^DOCX: [1-9]" "$T/out1" && grep -qx "libjisr $(pkg-config --modversion jisr)" "$T/out1" || { cat "$T/out1"; false; }'
check "... with the installed $so" 'ldd "$T/demo_pc" | grep -q "$so => $lib/$so"'
# the static library through pkg-config: jisr-static
sflags=$(pkg-config --cflags --libs jisr-static 2>&1)
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $EXTRA "$S/tests/install_demo.c" $sflags \
    -o "$T/demo_pcs" 2>"$T/ccs.err"
check "the demo builds with pkg-config --cflags --libs jisr-static" '[ $? -eq 0 ] || { cat "$T/ccs.err"; false; }'
"$T/demo_pcs" "$T/w5" "$DOCX" >"$T/out5" 2>&1
check "... and runs, without libjisr.so, reading the DOCX without linking libzip" '[ $? -eq 0 ] && grep -qx ok "$T/out5" && grep -q "^DOCX: [1-9]" "$T/out5" && ! ldd "$T/demo_pcs" | grep -qE "libjisr|libzip" || { cat "$T/out5"; false; }'
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror $EXTRA "$S/tests/install_clash.c" $sflags \
    -o "$T/clash_pcs" 2>"$T/ccc.err"
check "a static program with its own tm_distance, doc_error, cmap_find, jisr_u64set_add … links (jisr-static)" \
    '[ $? -eq 0 ] || { grep -m3 "multiple definition" "$T/ccc.err" || head -5 "$T/ccc.err"; false; }'
"$T/clash_pcs" >"$T/outc" 2>&1
check "... and both it and the library call their own" '[ $? -eq 0 ] && grep -qx ok "$T/outc" || { cat "$T/outc"; false; }'

cmake -S "$S/tests/install_cmake" -B "$T/cm" -DCMAKE_PREFIX_PATH="$P" -DDEMO_SOURCE="$S/tests/install_demo.c" \
    -DCLASH_SOURCE="$S/tests/install_clash.c" -DCMAKE_C_FLAGS="$EXTRA" -DCMAKE_BUILD_RPATH="$lib" \
    >"$T/cm.log" 2>&1 && cmake --build "$T/cm" >>"$T/cm.log" 2>&1
check "the demo builds with find_package(jisr) (jisr::jisr and jisr::jisr_static), and so does install_clash.c with jisr::jisr_static" \
    '[ $? -eq 0 ] || { grep -m3 "multiple definition" "$T/cm.log" || tail -20 "$T/cm.log"; false; }'
"$T/cm/demo_shared" "$T/w2" "$DOCX" >"$T/out2" 2>&1
check "... shared: runs" '[ $? -eq 0 ] && grep -qx ok "$T/out2" || { cat "$T/out2"; false; }'
check "... shared: really the installed $so" 'ldd "$T/cm/demo_shared" | grep -q "$lib/$so"'
"$T/cm/demo_static" "$T/w3" "$DOCX" >"$T/out3" 2>&1
check "... static: runs, without libjisr.so" '[ $? -eq 0 ] && grep -qx ok "$T/out3" && ! ldd "$T/cm/demo_static" | grep -q libjisr'
"$T/cm/clash_static" >"$T/out3c" 2>&1
check "... install_clash static: runs" '[ $? -eq 0 ] && grep -qx ok "$T/out3c" || { cat "$T/out3c"; false; }'

# The CMake package names no file of the build machine: libstemmer is found on the consumer's
# (jisr::stemmer), not written as an absolute path into the exported targets.
check "the exported targets name no absolute libstemmer path" \
    '! grep -l "/[^\";]*libstemmer" "$lib"/cmake/jisr/*.cmake'
# jisr::jisr needs none of the static library's dependencies: without their .pc files
# find_package(jisr) still gives jisr::jisr (and no jisr::jisr_static); asking for the static
# component is then an error.
mkdir -p "$T/w4"
PKG_CONFIG_LIBDIR=$T/nopc PKG_CONFIG_PATH= cmake -S "$S/tests/install_cmake" -B "$T/cm2" \
    -DWANT_STATIC=OFF -DCMAKE_PREFIX_PATH="$P" -DDEMO_SOURCE="$S/tests/install_demo.c" \
    -DCMAKE_C_FLAGS="$EXTRA" -DCMAKE_BUILD_RPATH="$lib" >"$T/cm2.log" 2>&1 &&
    cmake --build "$T/cm2" >>"$T/cm2.log" 2>&1
check "find_package(jisr) without the dependencies' .pc files: jisr::jisr builds" \
    '[ $? -eq 0 ] && [ -x "$T/cm2/demo_shared" ] && [ ! -e "$T/cm2/demo_static" ] || { tail -20 "$T/cm2.log"; false; }'
"$T/cm2/demo_shared" "$T/w4" "$DOCX" >"$T/out4" 2>&1
check "... and runs" '[ $? -eq 0 ] && grep -qx ok "$T/out4" || { cat "$T/out4"; false; }'
PKG_CONFIG_LIBDIR=$T/nopc PKG_CONFIG_PATH= cmake -S "$S/tests/install_cmake" -B "$T/cm3" \
    -DWANT_STATIC=ON -DCMAKE_PREFIX_PATH="$P" -DDEMO_SOURCE="$S/tests/install_demo.c" \
    >"$T/cm3.log" 2>&1
check "... while COMPONENTS static is an error naming what is missing" \
    '[ $? -ne 0 ] && grep -q "jisr_static needs" "$T/cm3.log" || { tail -20 "$T/cm3.log"; false; }'

# dlopen(): the installed library is not STATIC_TLS, and loads into a program (ctypes)
check "libjisr.so is not marked STATIC_TLS" '! readelf -dW "$lib/$so" | grep -q STATIC_TLS'
if command -v python3 >/dev/null && [ -z "$EXTRA" ]; then
    v=$(python3 -c 'import ctypes, sys; l = ctypes.CDLL(sys.argv[1]); l.jisr_version.restype = ctypes.c_char_p; print(l.jisr_version().decode())' "$lib/$so" 2>&1)
    check "python3 ctypes loads $so (jisr_version: $v)" '[ "$v" = "$(pkg-config --modversion jisr)" ]'
fi

# the installed program: libmicrohttpd and libzip are loaded when needed (serve/mhd_load.c,
# doc/zip_load.c), by their SONAMEs, from the installed tree as from the build tree
J=$P/bin/jisr
check "installed jisr and libjisr.so NEED neither libmicrohttpd nor libzip" \
    '! readelf -dW "$J" "$lib/$so" | grep NEEDED | grep -qE "libmicrohttpd|libzip|libgnutls|libcrypto"'
got=$(ldd "$J" | awk -v so="$so" '$1 == so {print $3}')
check "installed jisr runs with the installed $so ($got)" \
    '"$J" --version | grep -qx "jisr $ver" && [ "$(readlink -f "$got")" = "$(readlink -f "$lib/$so")" ]'
"$J" segment "$DOCX" >"$T/docx.txt" 2>"$T/docx.err"
check "installed jisr segment report.en.docx" \
    '[ $? -eq 0 ] && grep -qx "The library lent more than 9,400 books." "$T/docx.txt" || { cat "$T/docx.err"; false; }'
printf 'the house\tالبيت\n' >"$T/u.tsv"
"$J" import --tm "$T/stm" -s en -t ar -q "$T/u.tsv"
"$J" serve --tm "$T/stm" --listen 127.0.0.1:0 --ready-file "$T/ready" --quiet >"$T/serve.log" 2>&1 &
spid=$!
for _ in $(seq 300); do
    [ -s "$T/ready" ] || ! kill -0 $spid 2>/dev/null && break
    sleep 0.1
done
check "installed jisr serve listens" '[ -s "$T/ready" ] || { cat "$T/serve.log"; false; }'
if command -v curl >/dev/null && [ -s "$T/ready" ]; then
    body=$(curl -sS --max-time 20 "$(cat "$T/ready")/tmserver/en/ar/unit/the%20house")
    check "... and answers ($body)" 'printf "%s" "$body" | grep -q "البيت"'
fi
kill -TERM $spid 2>/dev/null
wait $spid
check "... and stops on SIGTERM, exit 0" '[ $? -eq 0 ] || { cat "$T/serve.log"; false; }'

# C++: the headers declare C linkage (without it a C++ program's calls do not link)
CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null 2>&1; then
    cat >"$T/cxx.cc" <<'CXXEOF'
#include <jisr/jisr.h>
#include <cstdio>
int main() {
    jisr_segmenter *s = nullptr;
    if (jisr_segmenter_new(&s, "en", nullptr) != 0) return 1;
    jisr_sentences out = {};
    if (jisr_sentences_split(&out, "One. Two.", 9, s) != 0 || out.n != 2) return 2;
    std::printf("%s %zu\n", jisr_version(), out.n);
    jisr_sentences_free(&out);
    jisr_segmenter_free(s);
    return 0;
}
CXXEOF
    $CXX -std=c++17 -Wall -Wextra -Werror $EXTRA "$T/cxx.cc" $(pkg-config --cflags --libs jisr) \
        -Wl,-rpath,"$lib" -o "$T/cxx" 2>"$T/cxx.err" && "$T/cxx" >"$T/cxx.out" 2>&1
    check "a C++ program includes <jisr/jisr.h>, links and runs" '[ $? -eq 0 ] && grep -q " 2$" "$T/cxx.out" || { cat "$T/cxx.err" "$T/cxx.out"; false; }'
else
    ok "# SKIP no C++ compiler"
fi

tap_end
