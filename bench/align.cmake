# Aligner benchmark: strict/lax F1 and sentence pairs/s on the Bible sets, 10k×10k synthetic.
jisr_add_bench(bench_align SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_align.c)
