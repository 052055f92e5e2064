#===- AddTern.cmake - wrappers around the MLIR CMake helpers --------------===#
#
# One place that knows how Tern lays out ODS (dialects/<Name>/*.td), generated
# includes (build/dialects/<Name>/*.inc) and generated docs (build/docs/...).
# Every dialect and pass library goes through these, so the layout is enforced
# the same way everywhere (as CIRCT's AddCIRCT.cmake does).
#
#===----------------------------------------------------------------------===#

# tern_add_dialect(<Name> <namespace>)
#   Runs mlir-tblgen over dialects/<Name>/<Name>Ops.td: op, dialect, enum,
#   attribute and type declarations/definitions, plus the dialect doc.
function(tern_add_dialect name ns)
  set(LLVM_TARGET_DEFINITIONS ${name}Ops.td)
  mlir_tablegen(${name}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${name}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${name}Dialect.h.inc -gen-dialect-decls -dialect=${ns})
  mlir_tablegen(${name}Dialect.cpp.inc -gen-dialect-defs -dialect=${ns})
  mlir_tablegen(${name}Enums.h.inc -gen-enum-decls)
  mlir_tablegen(${name}Enums.cpp.inc -gen-enum-defs)
  mlir_tablegen(${name}Attrs.h.inc -gen-attrdef-decls -attrdefs-dialect=${ns})
  mlir_tablegen(${name}Attrs.cpp.inc -gen-attrdef-defs -attrdefs-dialect=${ns})
  add_public_tablegen_target(Tern${name}IncGen)
  add_dependencies(tern-headers Tern${name}IncGen)
  tern_add_doc(${name}Ops Dialects/${name} -gen-dialect-doc -dialect=${ns})
endfunction()

# tern_add_passes(<Name>)
#   Runs mlir-tblgen over dialects/<Name>/Passes.td: pass declarations and the
#   pass reference doc.
function(tern_add_passes name)
  set(LLVM_TARGET_DEFINITIONS Passes.td)
  mlir_tablegen(${name}Passes.h.inc -gen-pass-decls -name ${name})
  add_public_tablegen_target(Tern${name}PassIncGen)
  add_dependencies(tern-headers Tern${name}PassIncGen)
  tern_add_doc(Passes Passes/${name}Passes -gen-pass-doc)
endfunction()

# tern_add_doc(<td-basename> <output-path-without-.md> <tblgen flags>...)
#   Generates docs/<output>.md in the build tree; `ninja tern-doc` builds all.
function(tern_add_doc td_file out_path)
  set(LLVM_TARGET_DEFINITIONS ${td_file}.td)
  get_filename_component(out_name ${out_path} NAME)
  mlir_tablegen(${out_name}.md ${ARGN})
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${out_name}.md)
  set(dst ${PROJECT_BINARY_DIR}/docs/${out_path}.md)
  add_custom_command(OUTPUT ${dst}
    COMMAND ${CMAKE_COMMAND} -E copy ${gen} ${dst}
    DEPENDS ${gen})
  string(REPLACE "/" "_" tgt ${out_path})
  add_custom_target(tern-doc-${tgt} DEPENDS ${dst})
  add_dependencies(tern-doc tern-doc-${tgt})
endfunction()

# tern_add_library(<name> <sources>... [DEPENDS ...] [LINK_LIBS ...])
#   A compiler library (MLIR-based).
function(tern_add_library name)
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL)
endfunction()

# tern_add_tool(<name> <sources>...)
function(tern_add_tool name)
  add_llvm_executable(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${TERN_TOOLS_DIR})
endfunction()

add_custom_target(tern-headers)
# Generated references are part of `all`, so the docs test below can compare
# them with the committed copies in docs/.
add_custom_target(tern-doc ALL)
