# Translation memory (tm/): unit tests against real LMDB files, CLI and reliability scripts.
jisr_add_test(test_tm SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm.c LAYERS text formats tm)
jisr_add_script_test(tm_cli tm_cli.sh)
jisr_add_script_test(tm_reliability tm_reliability.sh)
jisr_add_test(test_tm_import SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_import.c LAYERS text formats tm)
jisr_add_fuzz(tok LAYERS text formats tm)
jisr_add_test(test_tm_threads SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_threads.c LAYERS text formats tm
              LABELS threads)
set_tests_properties(test_tm_import PROPERTIES LABELS threads)
jisr_add_test(test_tm_store SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_store.c LAYERS text formats tm)
jisr_add_test(test_tm_limits SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_limits.c LAYERS text formats tm)
jisr_add_script_test(tm_corrupt tm_corrupt.sh)
jisr_add_script_test(tm_issue11 tm_issue11.sh)
jisr_add_script_test(tm_reindex tm_reindex.sh)
jisr_add_fuzz(rec LAYERS text formats tm)
jisr_add_test(test_tm_short SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_short.c LAYERS text formats tm)
jisr_add_test(test_tm_ftab_threads SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_ftab_threads.c LAYERS
              text formats tm LABELS threads)
jisr_add_test(test_tm_postorder SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_postorder.c LAYERS text formats tm)
jisr_add_script_test(tm_chars tm_chars.sh)
jisr_add_test(test_tm_snap SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_snap.c LAYERS text formats tm
              LABELS threads)
jisr_add_fuzz(match LAYERS text formats tm)
# Every public entry point of util.c, text/, formats/io.c and tm/ with NULL pointers: JISR_EINVAL
# naming the argument, never a crash (the API tester's misuse.c).
jisr_add_test(test_tm_nullargs SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_nullargs.c LAYERS text
              formats tm)
# identity sees through the tags' i/x numbering (tokenizer 7): renumbered tags merge, another
# element or native code does not, a memory of tokenizer 6 is stale until reindex
jisr_add_script_test(tm_ident_tags tm_ident_tags.sh)
# a pair exported from a multilingual memory and imported back merges into the units it came
# from (JSONL, TMX and a convert round trip; a changed pair, a pair two units hold, reindex)
jisr_add_script_test(tm_ident_pairs tm_ident_pairs.sh)
