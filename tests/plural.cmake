# the counts in the human messages agree with their nouns (util/plural.h): import, export,
# stats, reindex, delete, convert, lexicon, query, docalign, corpus, align-eval and serve say
# "1 unit", "2 units", "1 pair", "1 entry"
jisr_add_script_test(plural_cli plural_cli.sh)
