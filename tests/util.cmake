jisr_add_test(test_util SOURCES ${CMAKE_SOURCE_DIR}/tests/test_util.c)
