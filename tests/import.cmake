# import of imperfect files (dates, <tu> attributes, JSONL tags, encodings, several files) and
# the option errors of import, export, convert, delete, query, concord, stats, reindex and serve
jisr_add_script_test(import_cli import_cli.sh)
# the line reader's messages (columns in characters, UTF-16 without a BOM, windows-1256, carriage
# returns without line feed), cut or damaged .gz lexicons and .dict.dz, and the helps of import
# and lexicon
jisr_add_script_test(relfix_import relfix_import.sh)
# defects of the CLI and import found by testing: a batch past a line that cannot be asked,
# usagecount 0, --tm DIR:-3, a file as a memory, a directory to import, '-' twice, concord ':',
# query -s L -t L, stats' language tags in their case
jisr_add_script_test(cli_fixes cli_fixes.sh)
# export and delete by filter (--prop, --changed-since, --changed-before), delete's dry run, its
# --all guard, and the memory unchanged by a refused delete
jisr_add_script_test(housekeeping_cli housekeeping_cli.sh)
# `--` ends every command's options (a file, text or id starting with '-' after it); a file named
# '-x' given before it is said as such (the option named right, './-x' suggested)
jisr_add_script_test(cli_dashdash cli_dashdash.sh)
# import_cli and housekeeping_cli preload it to send a signal between a commit and its report
# (see the file); never sanitized itself
add_library(commit_signal MODULE ${CMAKE_SOURCE_DIR}/tests/commit_signal.c)
target_compile_options(commit_signal PRIVATE -fno-sanitize=all)
target_link_options(commit_signal PRIVATE -fno-sanitize=all)
target_link_libraries(commit_signal PRIVATE ${CMAKE_DL_LIBS})
set_property(TEST import_cli housekeeping_cli APPEND PROPERTY ENVIRONMENT
             "JISR_COMMIT_SIGNAL_SHIM=$<TARGET_FILE:commit_signal>")
