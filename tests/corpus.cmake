# Corpus building (helper "doc"): docalign on the Bible chapters with distractors (needs ../shared),
# the pipeline end to end, and the CLI of both.
jisr_add_script_test(docalign_bible docalign_bible.sh)
jisr_add_script_test(corpus_bible corpus_bible.sh)
jisr_add_script_test(corpus_cli corpus_cli.sh)
jisr_add_script_test(corpcli_fixes corpcli_fixes.sh)
jisr_add_script_test(pairalg_docalign pairalg_docalign.sh)
