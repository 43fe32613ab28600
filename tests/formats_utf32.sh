#!/bin/bash
# formats_utf32.sh — TMX and XLIFF 1.2/2.0 in UTF-32 (LE/BE, with a byte-order mark or only
# declared, or not declared), which libxml2 2.9 does not read, and UTF-16 (Trados) and UTF-8
# beside them: import, convert and standard input give what the UTF-8 file gives; a unit that is
# no character, and a file cut inside one, reported at its line and column.
set -u
J=${JISR_BINARY:?}
T=$(mktemp -d /tmp/jisr-formats-utf32.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
cd "$T" || exit 1
py=/usr/bin/python3

cat >base.tmx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="en"><seg>Salt &amp; pepper <bpt i="1">&lt;b&gt;</bpt>now<ept i="1">&lt;/b&gt;</ept></seg></tuv><tuv xml:lang="ar"><seg>ملح وفلفل <bpt i="1">&lt;b&gt;</bpt>الآن<ept i="1">&lt;/b&gt;</ept></seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Hello world</seg></tuv><tuv xml:lang="ar"><seg>مرحبا بالعالم</seg></tuv></tu>
</body>
</tmx>
EOF2
cat >base12.xlf <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="a.txt" source-language="en" target-language="ar" datatype="plaintext">
<body>
<trans-unit id="1"><source>Salt &amp; pepper <g id="1">now</g></source><target>ملح وفلفل <g id="1">الآن</g></target></trans-unit>
<trans-unit id="2"><source>Hello world</source><target>مرحبا بالعالم</target></trans-unit>
</body>
</file>
</xliff>
EOF2
cat >base20.xlf <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ar">
<file id="f1">
<unit id="1"><segment><source>Salt &amp; pepper <pc id="1">now</pc></source><target>ملح وفلفل <pc id="1">الآن</pc></target></segment></unit>
<unit id="2"><segment><source>Hello world</source><target>مرحبا بالعالم</target></segment></unit>
</file>
</xliff>
EOF2
# each file in each encoding: name, codec, byte-order mark, declared encoding (- for none)
$py - <<'EOF2' || exit 1
V = [('u8bom', 'utf-8', b'\xef\xbb\xbf', 'UTF-8'), ('u16le-bom', 'utf-16-le', b'\xff\xfe', 'UTF-16'),
     ('u16be-decl', 'utf-16-be', b'', 'UTF-16BE'),
     ('u32le-bom', 'utf-32-le', b'\xff\xfe\x00\x00', 'UTF-32'),
     ('u32be-bom', 'utf-32-be', b'\x00\x00\xfe\xff', 'UTF-32'),
     ('u32le-bom-nodecl', 'utf-32-le', b'\xff\xfe\x00\x00', None),
     ('u32be-bom-nodecl', 'utf-32-be', b'\x00\x00\xfe\xff', None),
     ('u32le-decl', 'utf-32-le', b'', 'UTF-32LE'), ('u32be-decl', 'utf-32-be', b'', 'UTF-32BE'),
     ('u32le-decl32', 'utf-32-le', b'', 'UTF-32'), ('u32be-decl32', 'utf-32-be', b'', 'UTF-32'),
     ('ucs4', 'utf-32-be', b'', 'UCS-4')]
for base, ext in (('base', 'tmx'), ('base12', 'xlf'), ('base20', 'xlf')):
    s = open(f'{base}.{ext}', encoding='utf-8').read()
    for name, codec, bom, decl in V:
        t = s.replace('"UTF-8"', f'"{decl}"') if decl else s.replace(' encoding="UTF-8"', '')
        open(f'{base}-{name}.{ext}', 'wb').write(bom + t.encode(codec))
# a surrogate (UTF-32LE, declared) as the first letter of "مرحبا": line 6, column 76
t = s = open('base.tmx', encoding='utf-8').read().replace('"UTF-8"', '"UTF-32"')
b = bytearray(b'\xff\xfe\x00\x00' + s.encode('utf-32-le'))
i = s.index('مرحبا')
b[4 + 4 * i:8 + 4 * i] = b'\x00\xd8\x00\x00'
open('bad.tmx', 'wb').write(b)
s = open('base12.xlf', encoding='utf-8').read()
b = bytearray(s.encode('utf-32-be'))
i = s.index('مرحبا')
b[4 * i:4 * i + 4] = b'\x00\x11\x00\x00'
open('bad.xlf', 'wb').write(b)
# cut inside the last character
open('cut.tmx', 'wb').write(open('base-u32le-bom.tmx', 'rb').read()[:-2])
EOF2

for base in base base12 base20; do
    ext=xlf fmt=xliff
    [ $base = base ] && ext=tmx fmt=tmx
    "$J" convert $base.$ext ref.jsonl 2>/dev/null
    rm -rf tmref && "$J" import --tm tmref $base.$ext >/dev/null 2>&1 &&
        "$J" export --tm tmref -s en -t ar -o ref-exp.jsonl >/dev/null 2>&1
    sed -i 's/"creationdate":"[^"]*",//' ref-exp.jsonl # the time of the import
    for f in $base-*.$ext; do
        check "$f: convert gives what the UTF-8 file gives" \
            "'$J' convert $f out.jsonl 2>err && cmp -s out.jsonl ref.jsonl"
        check "$f: from standard input too" \
            "'$J' convert -f $fmt - out2.jsonl <$f 2>err && cmp -s out2.jsonl ref.jsonl"
        rm -rf tm
        check "$f: import, then export, gives the UTF-8 file's import" \
            "'$J' import --tm tm $f >/dev/null 2>err && '$J' export --tm tm -s en -t ar -o exp.jsonl >/dev/null 2>&1 && sed -i 's/\"creationdate\":\"[^\"]*\",//' exp.jsonl && [ -s exp.jsonl ] && cmp -s exp.jsonl ref-exp.jsonl"
    done
done

"$J" convert bad.tmx o.jsonl 2>err
check "a surrogate in UTF-32: exit 1 at its line and column" \
    "[ \$? = 1 ] && grep -q 'bad.tmx:6:76: bytes that are no UTF-32LE character (0x00 0xD8 0x00 0x00' err"
"$J" convert -f tmx - o.jsonl <bad.tmx 2>err
check "the same through a pipe" "grep -q ':6:76: bytes that are no UTF-32LE character' err"
"$J" convert bad.xlf o.jsonl 2>err
check "a unit above U+10FFFF in UTF-32BE XLIFF: at its line and column" \
    "grep -q 'bad.xlf:6:56: bytes that are no UTF-32BE character (0x00 0x11 0x00 0x00' err"
"$J" convert cut.tmx o.jsonl 2>err
check "a UTF-32 file cut inside a character" "grep -q 'cut.tmx:8:7: the file ends inside a UTF-32LE character' err"

# a larger file: many 64 KiB blocks, a malformed unit (--skip-bad resumes as in UTF-8) and a bad
# unit far in, at its line and column
$py - <<'EOF2' || exit 1
head = open('base.tmx', encoding='utf-8').read().split('<tu>')[0]
units = ''.join(f'<tu><tuv xml:lang="en"><seg>unit {k} &amp; more</seg></tuv>'
                f'<tuv xml:lang="ar"><seg>الوحدة {k} وأكثر</seg></tuv></tu>\n' for k in range(4000))
broken = units.replace('<seg>unit 1500 &amp; more</seg>', '<seg>unit 1500 & more</seg>')
for name, text in (('big', units), ('broken', broken)):
    s = head + text + '</body>\n</tmx>\n'
    open(f'{name}8.tmx', 'w', encoding='utf-8').write(s)
    open(f'{name}32.tmx', 'wb').write(b'\x00\x00\xfe\xff' + s.replace('"UTF-8"', '"UTF-32"').encode('utf-32-be'))
s = head + units + '</body>\n</tmx>\n'
i = s.index('الوحدة 3210 ')
b = bytearray(b'\xff\xfe\x00\x00' + s.encode('utf-32-le'))
b[4 + 4 * i:8 + 4 * i] = b'\xff\xff\x11\x00'
open('bigbad.tmx', 'wb').write(b)
print(s[:i].count('\n') + 1, i - s.rfind('\n', 0, i), file=open('bigbad.at', 'w'))
EOF2
"$J" convert big8.tmx big8.jsonl 2>/dev/null
check "4,000 units in UTF-32BE (many blocks): what the UTF-8 file gives" \
    "'$J' convert big32.tmx big32.jsonl 2>err && cmp -s big8.jsonl big32.jsonl && [ \$(wc -l <big32.jsonl) = 4000 ]"
check "through a pipe too" "'$J' convert -f tmx - big32p.jsonl <big32.tmx 2>err && cmp -s big8.jsonl big32p.jsonl"
"$J" convert --skip-bad broken8.tmx b8.jsonl 2>err8
"$J" convert --skip-bad broken32.tmx b32.jsonl 2>err32
check "--skip-bad resumes after malformed XML in UTF-32 as in UTF-8 (same units, same report)" \
    "[ \$(wc -l <b32.jsonl) = 3999 ] && cmp -s b8.jsonl b32.jsonl && diff <(sed 's/broken8/F/' err8) <(sed 's/broken32/F/' err32) >/dev/null"
read -r bl bc <bigbad.at
"$J" convert bigbad.tmx o.jsonl 2>err
check "a unit above U+10FFFF far in: at line $bl, column $bc" \
    "grep -q 'bigbad.tmx:$bl:$bc: bytes that are no UTF-32LE character (0xFF 0xFF 0x11 0x00' err"
"$J" convert -f tmx - o.jsonl <bigbad.tmx 2>err
check "the same through a pipe" "grep -q ':$bl:$bc: bytes that are no UTF-32LE character' err"
tap_end
