# formats: TMX reader/writer beside xmllint --stream (bench_tmx --mb 200)
jisr_add_bench(bench_tmx SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_tmx.c)
