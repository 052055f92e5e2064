#===- CompareGeneratedDocs.cmake - committed docs match ODS ---------------===#
#
# cmake -DGENERATED=<build/docs> -DCOMMITTED=<src/docs> -P this-file
# Fails, naming each file, when a generated reference differs from (or is
# missing in) the committed docs/. Fix with scripts/gen-docs.sh.
#
#===----------------------------------------------------------------------===#
file(GLOB_RECURSE generated RELATIVE ${GENERATED} ${GENERATED}/*.md)
if(NOT generated)
  message(FATAL_ERROR "no generated docs in ${GENERATED}; build target tern-doc")
endif()
set(stale "")
foreach(f ${generated})
  if(NOT EXISTS ${COMMITTED}/${f})
    list(APPEND stale "docs/${f} (missing)")
    continue()
  endif()
  file(READ ${GENERATED}/${f} a)
  file(READ ${COMMITTED}/${f} b)
  if(NOT a STREQUAL b)
    list(APPEND stale "docs/${f}")
  endif()
endforeach()
if(stale)
  string(REPLACE ";" "\n  " stale "${stale}")
  message(FATAL_ERROR "generated references out of date (run scripts/gen-docs.sh):\n  ${stale}")
endif()
list(LENGTH generated n)
message(STATUS "${n} generated references match docs/")
