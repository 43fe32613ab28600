# formats layer: unit model, TMX/TSV/Moses/JSONL readers and writers, `jisr convert`, real
# clients (OmegaT, translate-toolkit) and the TMX fuzz corpus.
jisr_add_test(test_formats SOURCES ${CMAKE_SOURCE_DIR}/tests/test_formats.c LAYERS text formats)
# the same program over ../shared (OmegaT's and MateCat's TMX files); exits 77 when absent
add_test(NAME test_formats_shared COMMAND test_formats shared)
set_tests_properties(test_formats_shared PROPERTIES SKIP_RETURN_CODE 77 ENVIRONMENT
  "JISR_TEST_DATA=${JISR_TEST_DATA};JISR_SHARED_DATA=${JISR_SHARED_DATA}")
jisr_add_fuzz(tmx LAYERS text formats tm)
jisr_add_script_test(formats_cli formats_cli.sh)
# real clients on TMX that jisr wrote; they only exercise external tools on files the tests above
# already produce under ASan, so they are labelled no-asan
jisr_add_script_test(formats_omegat formats_omegat.sh)
jisr_add_script_test(formats_ttk formats_ttk.sh)
set_tests_properties(formats_omegat formats_ttk PROPERTIES LABELS "no-asan")
# OmegaT's shortcut tags (<b0>…</b0> as text in its own memories) read as inline tags; the OmegaT
# part exits 77 without java/OmegaT once jisr's part has passed
jisr_add_script_test(formats_omegat_tags formats_omegat_tags.sh)
# issue 11 A: the safe writer behind every output (links, special files, modes, inputs, signals)
jisr_add_script_test(formats_outputs formats_outputs.sh)
jisr_add_script_test(formats_outputs_root formats_outputs_root.sh)
# issue 11 B: one set of checks and limits in the unit model, the same for every reader
jisr_add_script_test(formats_units formats_units.sh)
# --skip-bad resuming after malformed XML, two-column output of multilingual TMX, tuv order,
# file size limits, Word's line breaks, usage messages
jisr_add_script_test(formats_fixes formats_fixes.sh)
# util's line reader and the line formats over it, with tiny limits (over-long lines, skip-bad)
jisr_add_fuzz(linereader LAYERS text formats)
# language pairs of prefix tags, the header's srclang, JSONL's unknown keys, inline markup against
# tmx14.dtd (every TMX written valid), one report per bad unit, Moses without -s/-t, o-encoding,
# language options
jisr_add_script_test(tmxfix_defects tmxfix_defects.sh)
# the tester's findings in a memory's life: XLIFF without a target language refused, <ph> format
# codes kept in TSV/Moses output with the losses counted, XLIFF notes and 2.0 originalData, the
# TSV escape warning
jisr_add_script_test(formats_lifefix formats_lifefix.sh)
# XLIFF 1.2's <bx/>/<ex/> as a <bpt>/<ept> pair (an <it> without its partner): a word joined in
# queries and concordance, TMX export and convert valid against tmx14.dtd
jisr_add_script_test(formats_xliff_pairs formats_xliff_pairs.sh)
# one memory unit per segment whichever way it travels: native code in one spelling whatever read
# it (XLIFF → memory → TMX → memory, TMX or JSONL then XLIFF); XLIFF 2.0 <sc/>/<ec/> without their
# partner in the segment (or isolated="yes") as <it>, the TMX valid against tmx14.dtd
jisr_add_script_test(formats_xliff_roundtrip formats_xliff_roundtrip.sh)
# real-world TMX (a refused reference in the compliance kit's file, ../shared's Okapi, OmegaT and
# MateCat files): exports valid and imported again unchanged, also with --omegat-shortcuts
jisr_add_script_test(tmx_realworld tmx_realworld.sh)
# TMX and XLIFF in UTF-32 (decoded by jisr: libxml2 2.9 reads no UTF-32 byte-order mark), UTF-16
# and UTF-8 alike, a bad unit at its line and column
jisr_add_script_test(formats_utf32 formats_utf32.sh)
