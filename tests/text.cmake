# Text layer tests (helper "text"): normalisation, tokens, stems, decoding and streaming input.
jisr_add_test(test_text_normalize SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_normalize.c
              LAYERS text)
jisr_add_test(test_text_tokenize SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_tokenize.c
              LAYERS text)
jisr_add_test(test_text_stem SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_stem.c LAYERS text)
jisr_add_test(test_text_input SOURCES ${CMAKE_SOURCE_DIR}/tests/test_text_input.c LAYERS text)
jisr_add_fuzz(text LAYERS text)
