# Libraries loaded only by the commands that need them (serve/mhd_load.c: libmicrohttpd when
# `jisr serve` starts; doc/zip_load.c: libzip on the first DOCX or ODT read): not NEEDED by jisr
# or libjisr.so, still working, and a clear error when one cannot be loaded.
jisr_add_script_test(lazy_libs lazy_libs.sh)
set_property(TEST lazy_libs APPEND PROPERTY ENVIRONMENT "JISR_LIBJISR=$<TARGET_FILE:libjisr_shared>"
             "JISR_MHD_SONAME=${JISR_MHD_SONAME}" "JISR_ZIP_SONAME=${JISR_ZIP_SONAME}"
             "CC=${CMAKE_C_COMPILER}")
set_tests_properties(lazy_libs PROPERTIES LABELS serve TIMEOUT 300)
