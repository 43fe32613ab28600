# Text-layer benchmark (helper "text"): normalize + tokenize throughput on the UN sentences.
get_filename_component(_jisr_shared ${CMAKE_SOURCE_DIR}/../shared/data ABSOLUTE)
jisr_add_bench(bench_text SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_text.c)
target_compile_definitions(bench_text PRIVATE JISR_SHARED_DATA_DIR="${_jisr_shared}")
