# Translation-memory benchmark: bench_tm [UNITS] [WORKDIR] [ORACLE_QUERIES] (prints, never fails).
jisr_add_bench(bench_tm SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_tm.c ${CMAKE_SOURCE_DIR}/bench/tm_corpus.c)
target_compile_definitions(bench_tm PRIVATE JISR_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_include_directories(bench_tm PRIVATE ${STEMMER_INCLUDE_DIR})
