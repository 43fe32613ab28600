# Corpus building (helper "doc"): docalign on the Bible chapters with distractors (needs ../shared),
# the pipeline end to end, and the CLI of both.
jisr_add_script_test(docalign_bible docalign_bible.sh)
jisr_add_script_test(corpus_bible corpus_bible.sh)
jisr_add_script_test(corpus_cli corpus_cli.sh)
jisr_add_script_test(corpcli_fixes corpcli_fixes.sh)
jisr_add_script_test(pairalg_docalign pairalg_docalign.sh)
# A document's script (Arabic naming English terms, English quoting Arabic, bilingual files), and
# align/docalign/corpus inputs and outputs: pipes and FIFOs, language tags, TMX and control
# characters, the output's extension.
jisr_add_test(test_corpus_script SOURCES ${CMAKE_SOURCE_DIR}/tests/test_corpus_script.c
              LAYERS text formats doc align corpus)
jisr_add_script_test(alignio_fixes alignio_fixes.sh)
jisr_add_test(test_align_out SOURCES ${CMAKE_SOURCE_DIR}/tests/test_align_out.c
              LAYERS text formats align)
# A pair the output cannot carry (a control character bound for TMX): corpus names and counts it;
# --skip-bad where it would do nothing (corpus, align with a format other than tmx) is said.
jisr_add_script_test(corpus_leftout corpus_leftout.sh)
