# Sentence segmentation (text/segment*.c, text/srx.c) and `jisr segment`.
jisr_add_test(test_segment SOURCES ${CMAKE_SOURCE_DIR}/tests/test_segment.c LAYERS text)
# golden_cases.tsv from ../shared, informative (prints a count; skipped when ../shared is absent)
add_test(NAME test_segment_golden_info COMMAND test_segment golden)
set_tests_properties(test_segment_golden_info PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT
  "JISR_TEST_DATA=${JISR_TEST_DATA};JISR_SHARED_DATA=${JISR_SHARED_DATA}")
jisr_add_fuzz(segment LAYERS text)
jisr_add_fuzz(srx LAYERS text)
jisr_add_script_test(segment_cli segment_cli.sh)
