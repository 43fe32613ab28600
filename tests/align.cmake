# Aligner tests (helper "align"): library unit tests, CLI formats and batch modes, and the
# regression floor on the Bible noisy/dev set (skipped when ../shared is absent).
jisr_add_test(test_align SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align.c
              LAYERS text formats align)
jisr_add_test(test_align_floor SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_floor.c
              LAYERS text formats align)
jisr_add_script_test(align_cli align_cli.sh)
jisr_add_test(test_align_lexicon SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_lexicon.c
              LAYERS text formats align)
jisr_add_test(test_align_io SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_io.c
              LAYERS text formats align)
jisr_add_test(test_align_robust SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_robust.c
              LAYERS text formats align)
jisr_add_script_test(align_lexicon align_lexicon.sh)
jisr_add_script_test(align_default_lexicon align_default_lexicon.sh)
# every allocation of an aligner run failing in turn: reported, or the same alignment (replaces
# the allocators, so not under ASan)
jisr_add_test(test_align_oom SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_oom.c
              LAYERS text formats align LABELS no-asan)
