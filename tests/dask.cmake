# Dask driver (helper "doc"): contrib/dask/jisr_dask.py on a LocalCluster of 2 loopback worker
# processes gives the same lines as one process (skips without python3-dask).
add_test(NAME dask_local COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/dask_local.py)
set_tests_properties(dask_local PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS "no-asan"
  ENVIRONMENT "JISR_BINARY=$<TARGET_FILE:jisr>;JISR_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
# The Dask driver on input that is not UTF-8 or not JSON (errors named by the input's line, no
# traceback), its default partitioning, and stopped by SIGTERM/SIGINT (nothing left behind).
add_test(NAME corpcli_dask COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/corpcli_dask.py)
set_tests_properties(corpcli_dask PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS "no-asan"
  ENVIRONMENT "JISR_BINARY=$<TARGET_FILE:jisr>;JISR_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
