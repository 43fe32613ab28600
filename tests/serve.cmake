# jisr serve (serve/): unit tests of the pure parts, fuzz targets of the URL/route parser and the
# request-body readers, and end-to-end tests against a real server on a loopback port (Python
# standard library, /usr/bin/python3). Tests driving a browser or other Python servers are
# labelled no-asan: the ASan build may skip them (.ci/test runs ctest -LE no-asan there).

# cmocka tests of route.c, body.c and upload.c, linked with the static library
add_executable(test_serve ${CMAKE_SOURCE_DIR}/tests/test_serve.c)
target_include_directories(test_serve PRIVATE ${CMAKE_SOURCE_DIR})
target_compile_definitions(test_serve PRIVATE _POSIX_C_SOURCE=200809L)
target_compile_options(test_serve PRIVATE ${JISR_WARNINGS} -Wno-missing-prototypes)
target_link_libraries(test_serve PRIVATE jisr_serve_core libjisr PkgConfig::CMOCKA)
add_test(NAME test_serve COMMAND test_serve)

# several memories with penalties (tm/multi.c) against --exhaustive on each memory
jisr_add_test(test_tm_multi SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_multi.c
              LAYERS text formats tm)

# fuzz targets over serve_core (same scheme as jisr_add_fuzz: libFuzzer with JISR_FUZZ, else a
# replay of the checked-in corpus under ctest)
function(serve_add_fuzz name)
  if(JISR_FUZZ)
    add_executable(fuzz_${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${name}.c)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(fuzz_${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${name}.c
                   ${CMAKE_SOURCE_DIR}/tests/fuzz/replay.c)
    add_test(NAME fuzz_replay_${name}
             COMMAND fuzz_${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${name})
  endif()
  target_include_directories(fuzz_${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_definitions(fuzz_${name} PRIVATE _POSIX_C_SOURCE=200809L)
  target_link_libraries(fuzz_${name} PRIVATE jisr_serve_core libjisr)
endfunction()
serve_add_fuzz(serve_url)
serve_add_fuzz(serve_body)

# end-to-end: a real server on a free loopback port
set(_py /usr/bin/python3)
# serve_lifecycle preloads it to widen a race at shutdown (see the file); never sanitized itself
add_library(epoll_delay MODULE ${CMAKE_SOURCE_DIR}/tests/epoll_delay.c)
target_compile_options(epoll_delay PRIVATE -fno-sanitize=all)
target_link_options(epoll_delay PRIVATE -fno-sanitize=all)
target_link_libraries(epoll_delay PRIVATE ${CMAKE_DL_LIBS})
function(serve_add_py_test name script)
  cmake_parse_arguments(P "" "TIMEOUT" "LABELS;ENV" ${ARGN})
  add_test(NAME ${name} COMMAND ${_py} ${CMAKE_SOURCE_DIR}/tests/${script})
  set(_labels serve ${P_LABELS})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS "${_labels}"
    ENVIRONMENT "JISR_BINARY=$<TARGET_FILE:jisr>;JISR_TEST_DATA=${JISR_TEST_DATA};JISR_SHARED_DATA=${JISR_SHARED_DATA};JISR_SOURCE_DIR=${CMAKE_SOURCE_DIR};JISR_ARTEFACTS=${CMAKE_BINARY_DIR}/tests/artefacts;JISR_EPOLL_DELAY=$<TARGET_FILE:epoll_delay>;${P_ENV}")
  if(P_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${P_TIMEOUT})
  endif()
endfunction()
serve_add_py_test(serve_api serve_api.py TIMEOUT 300)
serve_add_py_test(serve_lifecycle serve_lifecycle.py TIMEOUT 300)
# under ThreadSanitizer (labelled threads, JISR_TSAN builds only: .ci/test's TSan stage) two
# parts of serve_lifecycle where the importer's threads meet the I/O threads and a signal: an
# upload stopped by SIGTERM (grace, abort) or completed just before it, and a skip_bad import
# cut off by its client after its commits (2026-12-07, TSan build on the 2 shared cores: term
# 19.5 s, skipcut 28.4 s; the part "abort" — cut-off uploads while queries, writes and a second
# import go on — 47 s more, the whole test beyond its 300 s, serve_api 166 s; none reported)
if(JISR_TSAN)
  serve_add_py_test(serve_lifecycle_threads serve_lifecycle.py TIMEOUT 600 LABELS threads
                    ENV "JISR_LIFECYCLE_PARTS=term,skipcut")
endif()
# /v1/query with jisr query's --tags and --format: the same JSON, TMX (DTD-valid) and text as the
# CLI on a memory of tagged units; malformed markup a 400 naming the column
serve_add_py_test(serve_query_tags serve_query_tags.py TIMEOUT 300)
# README's deployment recipes: the systemd unit (verified, its ExecStart run) and read-only
# servers on mdb_copy -c copies of a served memory
serve_add_py_test(serve_deploy serve_deploy.py TIMEOUT 300)
serve_add_py_test(serve_weblate serve_weblate.py TIMEOUT 300 LABELS no-asan)
serve_add_py_test(serve_ttk serve_ttk.py TIMEOUT 300 LABELS no-asan)
serve_add_py_test(serve_browser serve_browser.py TIMEOUT 300 LABELS no-asan)
# concurrent reads, writes, imports and exports; labelled threads: the ThreadSanitizer build of
# .ci/test runs it (with jisr built there)
serve_add_py_test(serve_concurrency serve_concurrency.py TIMEOUT 600 LABELS threads)
# reads that match run on the query threads: expensive batches of one client do not hold up a
# cheap lookup of another (head-of-line blocking on the I/O threads), the per-client queue bound
# (503 busy), --query-timeout from arrival, SIGTERM with queries waiting, a large store read on
# the writer thread; labelled threads too. It runs alone (RUN_SERIAL): its bounds are latencies
# under a load it makes itself, and the expensive lane runs at nice +10, which another test's
# busy threads starve (under ThreadSanitizer beside test_tm_threads, a running query reached its
# next deadline check 1.7 s late on CI's 2 cores)
serve_add_py_test(serve_fairness serve_fairness.py TIMEOUT 600 LABELS threads)
set_tests_properties(serve_fairness PROPERTIES RUN_SERIAL TRUE)
# lookups answered on the I/O thread within --inline-ms: the same answers as from a query
# thread, GET /v1/'s counts of them, one past its time run again on a query thread
serve_add_py_test(serve_inline serve_inline.py TIMEOUT 300 LABELS threads)
# where an exploratory test found the server wrong: concordance over every memory, JSONL without
# languages (server and CLI), skipped writes, token files, the query time limit's message, the
# diff as runs (diff_ops), Transfer-Encoding, absolute-form targets, long tmserver paths
serve_add_py_test(serve_edges serve_edges.py TIMEOUT 300)
# the page's side of it: stored text holding the diff markers, concordance over every memory,
# long texts sent by POST (and the cut said), "Show more", Min % checked, the messages of a
# server gone or a token refused, a match's inline tags shown
serve_add_py_test(serve_page_edges serve_page_edges.py TIMEOUT 300 LABELS no-asan)
# the page shows only the latest search's answer (answers out of order, a tab changed meanwhile)
serve_add_py_test(serve_page_race serve_page_race.py TIMEOUT 300 LABELS no-asan)
# one Chromium at a time (a shared machine of 2 cores)
set_tests_properties(serve_browser serve_page_edges serve_page_race PROPERTIES
                     RESOURCE_LOCK chromium)
# LMDB's reader table while a server keeps the memory open: readers killed inside a transaction
# (a ctypes helper over liblmdb, jisr export) never fill it or pin pages; live readers filling
# it give the database's error (500), not a 404
serve_add_py_test(relfix_readers relfix_readers.py TIMEOUT 300)
# a stored unit's inline tags: "text_tagged" (what jisr export writes inside <seg>) in
# /v1/units/{id}, /v1/concord and jisr concord --json; the page's Details and Concordance mark
# and show them (never as HTML)
serve_add_py_test(serve_unit_tags serve_unit_tags.py TIMEOUT 300)
serve_add_py_test(serve_page_unit_tags serve_page_unit_tags.py TIMEOUT 300 LABELS no-asan)
set_tests_properties(serve_page_unit_tags PROPERTIES RESOURCE_LOCK chromium)
# Arabic lines holding tags and codes shown in their written order: each line's dir (rtl, ltr,
# auto), tags' codes and codes written in a text as isolated ltr runs, measured on the page;
# Copy and every line's text unchanged
serve_add_py_test(serve_page_bidi serve_page_bidi.py TIMEOUT 300 LABELS no-asan)
set_tests_properties(serve_page_bidi PROPERTIES RESOURCE_LOCK chromium)
# /v1/export's filters (prop, changed_since, changed_before, as jisr export's --prop,
# --changed-since, --changed-before): the units kept, date boundaries, with source/target, 400s
# naming the parameter, the body jisr export's with the same filters
serve_add_py_test(serve_export_filters serve_export_filters.py TIMEOUT 300)
# every /v1/ route refuses a query parameter (and a POST a body key) it does not know, naming it:
# the names each route says it takes are those docs/serve.md documents, each of them is taken,
# a misspelt one changes nothing, the page sends only taken ones; the tmserver routes, the page
# and CORS preflights stay lenient
serve_add_py_test(serve_strict_params serve_strict_params.py TIMEOUT 300)
# --ready-file as a script uses it: one line, the URL without a trailing '/' ("$(cat F)/v1/…"
# with curl); written atomically (an earlier F replaced, not rewritten through its other names),
# never through a symbolic link (the server exits 1 naming F, the link's target untouched)
jisr_add_script_test(serve_ready_file serve_ready_file.sh)
set_tests_properties(serve_ready_file PROPERTIES LABELS serve TIMEOUT 300)
