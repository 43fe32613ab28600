# jisr_soname(VAR PREFIX NAME): the SONAME (e.g. libzip.so.4) of the shared library libNAME that
# pkg_check_modules(PREFIX …) found, read from the file itself with objdump -p: jisr dlopens it
# by that name (serve/mhd_load.c, doc/zip_load.c), so that the library loaded at run time has the
# ABI of the headers it was compiled against. Never a path: the dynamic loader finds it as it
# would a NEEDED entry.
function(jisr_soname var prefix name)
  set(_file "")
  foreach(_l IN LISTS ${prefix}_LINK_LIBRARIES)
    if(_l MATCHES "/lib${name}\\.so(\\.[0-9.]+)?$")
      set(_file ${_l})
    endif()
  endforeach()
  if(NOT _file)
    find_library(_jisr_soname_${prefix} NAMES ${name} HINTS ${${prefix}_LIBRARY_DIRS})
    set(_file ${_jisr_soname_${prefix}})
  endif()
  if(NOT _file OR NOT EXISTS "${_file}")
    message(FATAL_ERROR "lib${name}: no shared library found (${prefix}_LINK_LIBRARIES: "
                        "${${prefix}_LINK_LIBRARIES}); jisr loads it at run time by its SONAME")
  endif()
  if(NOT CMAKE_OBJDUMP)
    message(FATAL_ERROR "objdump not found: needed to read the SONAME of ${_file}")
  endif()
  execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${_file} OUTPUT_VARIABLE _out
                  RESULT_VARIABLE _rc ERROR_QUIET)
  if(NOT _rc EQUAL 0 OR NOT _out MATCHES "SONAME[ \t]+([^ \t\r\n]+)")
    message(FATAL_ERROR "cannot read the SONAME of ${_file} (objdump -p)")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
  message(STATUS "lib${name}: loaded at run time as ${CMAKE_MATCH_1} (from ${_file})")
endfunction()
