# The matcher (issue 12): placeables (numbers, agreement classes, tags).
jisr_add_test(test_tm_place SOURCES ${CMAKE_SOURCE_DIR}/tests/test_tm_place.c LAYERS text formats tm)
jisr_add_script_test(match_cli match_cli.sh)
jisr_add_script_test(match_glued match_glued.sh)
jisr_add_script_test(match_tags_in_words match_tags_in_words.sh)
jisr_add_script_test(match_line_breaks match_line_breaks.sh)
jisr_add_fuzz(place LAYERS text formats tm)
