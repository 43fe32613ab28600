# import of imperfect files (dates, <tu> attributes, JSONL tags, encodings, several files) and
# the option errors of import, export, convert, delete, query, concord, stats, reindex and serve
jisr_add_script_test(import_cli import_cli.sh)
