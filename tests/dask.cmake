# Dask driver (helper "doc"): contrib/dask/jisr_dask.py on a LocalCluster of 2 loopback worker
# processes gives the same lines as one process (skips without python3-dask).
add_test(NAME dask_local COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/dask_local.py)
set_tests_properties(dask_local PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900 LABELS "no-asan"
  ENVIRONMENT "JISR_BINARY=$<TARGET_FILE:jisr>;JISR_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
