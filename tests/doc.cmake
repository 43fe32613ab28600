# Documents in (helper "doc"): every paragraph reader on real producers' files, encodings,
# XLIFF units, ZIP-bomb and malformed-file refusals; fuzz targets for each reader.
jisr_add_test(test_doc SOURCES ${CMAKE_SOURCE_DIR}/tests/test_doc.c LAYERS text formats doc)
# test_doc builds its archives with libzip itself (the library only loads it: doc/zip_load.c)
target_link_libraries(test_doc PRIVATE PkgConfig::LIBZIP)
jisr_add_fuzz(doc_text LAYERS text formats doc)
jisr_add_fuzz(doc_html LAYERS text formats doc)
jisr_add_fuzz(doc_zip LAYERS text formats doc)
jisr_add_fuzz(doc_pdftext LAYERS text formats doc)
jisr_add_fuzz(xliff LAYERS text formats)
