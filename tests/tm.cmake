# Translation memory (tm/): unit tests against real LMDB files, CLI and reliability scripts.
jisr_add_test(test_tm SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm.c LAYERS text formats tm)
jisr_add_script_test(tm_cli tm_cli.sh)
jisr_add_script_test(tm_reliability tm_reliability.sh)
jisr_add_test(test_tm_import SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_import.c LAYERS text formats tm)
jisr_add_fuzz(tok LAYERS text formats tm)
jisr_add_test(test_tm_threads SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_threads.c LAYERS text formats tm
              LABELS threads)
set_tests_properties(test_tm_import PROPERTIES LABELS threads)
