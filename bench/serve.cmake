# jisr serve load benchmark: bench/bench_serve.py drives the server with wrk and compares it
# with bench_serve_inproc (the same queries in-process) and translate-toolkit's tmserver.
jisr_add_bench(bench_serve_inproc SOURCES ${CMAKE_SOURCE_DIR}/bench/bench_serve_inproc.c)
