# Writes Presets.inc: {"name", R"TERNJSON(<file>)TERNJSON"}, per preset file.
# Invoked as: cmake -DOUT=<file> -DDIR=<presets dir> -P EmbedPresets.cmake
file(GLOB FILES ${DIR}/*.json)
list(SORT FILES)
set(body "")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(APPEND body "{\"${name}\", R\"TERNJSON(${text})TERNJSON\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
