# Text layer tests (helper "text"): normalisation, tokens, stems, decoding and streaming input.
jisr_add_test(test_text_normalize SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_normalize.c
              LAYERS text)
jisr_add_test(test_text_tokenize SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_tokenize.c
              LAYERS text)
jisr_add_test(test_text_stem SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_stem.c LAYERS text)
jisr_add_test(test_text_input SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_input.c LAYERS text)
jisr_add_fuzz(text LAYERS text)
# ICU baseline: the word break iterator against Unicode's WordBreakTest.txt (skips without ../shared)
jisr_add_test(test_text_wordbreak SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_wordbreak.c
              LAYERS text)
jisr_add_test(test_text_lang SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_lang.c LAYERS text)
