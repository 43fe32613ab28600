# Sentence segmentation speed: jisr vs raw ICU BreakIterator on the same text (bench_segment.c).
jisr_add_bench(bench_segment SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_segment.c)
target_compile_definitions(bench_segment PRIVATE JISR_SHARED_DATA_DEFAULT="${JISR_SHARED_DATA}")
