# Document alignment on the Bible chapters with distractors: precision, recall, documents/s.
get_filename_component(_jisr_corpus_shared ${CMAKE_SOURCE_DIR}/../shared/data ABSOLUTE)
jisr_add_bench(bench_docalign SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_docalign.c)
target_compile_definitions(bench_docalign PRIVATE JISR_SHARED_DATA_DIR="${_jisr_corpus_shared}")
