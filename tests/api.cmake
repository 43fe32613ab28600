# The public API as a caller uses it (the tester's defects: removing an open memory, closing a
# handle with an iterator or an import open, arguments, ladders, filters), and libjisr.so loaded
# with dlopen().
jisr_add_test(test_api_tm SOURCES ${CMAKE_SOURCE_DIR}/tests/test_api_tm.c LAYERS text formats doc
              align tm corpus)
add_executable(test_api_dlopen ${CMAKE_SOURCE_DIR}/tests/test_api_dlopen.c)
target_compile_options(test_api_dlopen PRIVATE ${JISR_WARNINGS})
target_link_libraries(test_api_dlopen PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
add_dependencies(test_api_dlopen libjisr_shared)
add_test(NAME test_api_dlopen COMMAND test_api_dlopen $<TARGET_FILE:libjisr_shared>)
# Every public entry point of util's line reader and output files, formats' unit model, align,
# doc and corpus with NULL pointers: JISR_EINVAL naming the argument, never a crash
# (test_tm_nullargs covers util.c, text, formats' reader and writer and tm).
jisr_add_test(test_api_nullargs SOURCES ${CMAKE_SOURCE_DIR}/tests/test_api_nullargs.c LAYERS text
              formats doc align corpus)
