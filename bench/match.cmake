# The matcher's benchmarks and evaluation (issue 12; print figures, never pass or fail):
#   bench_match PROFILE …   — 1M-unit memories of three profiles, indexed beside --exhaustive
#   bench_l10n MEMDIR …     — the query driver of bench/eval_l10n/eval_l10n.py
jisr_add_bench(bench_l10n SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_l10n.c)
jisr_add_bench(bench_match SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_match.c ${CMAKE_SOURCE_DIR}/bench/tm_corpus.c)
target_compile_definitions(bench_match PRIVATE JISR_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_include_directories(bench_match PRIVATE ${STEMMER_INCLUDE_DIR})
