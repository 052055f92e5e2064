#===- TernToolchain.cmake - compiler launcher, linker, sanitizers ---------===#
#
# Uses ccache and lld when they are installed (both are optional: the build is
# correct without them, only slower to rebuild and link).
#
#===----------------------------------------------------------------------===#
find_program(TERN_CCACHE ccache)
if(TERN_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${TERN_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TERN_CCACHE})
endif()

# LLVM_USE_LINKER is honoured by HandleLLVMOptions.
if(NOT LLVM_USE_LINKER)
  find_program(TERN_LLD NAMES ld.lld)
  if(TERN_LLD)
    set(LLVM_USE_LINKER lld CACHE STRING "Linker used by LLVM-style targets")
  endif()
endif()

if(TERN_ENABLE_SANITIZERS)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing (test/Fuzz, docs/Fuzzing.md): every library is instrumented for
# libFuzzer's coverage feedback and checked by ASan + UBSan; only the fuzz
# targets link libFuzzer's main (-fsanitize=fuzzer). UBSan findings abort so
# that libFuzzer records them as crashes.
if(TERN_ENABLE_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TERN_ENABLE_FUZZERS needs clang (libFuzzer), e.g. "
                        "-DCMAKE_CXX_COMPILER=clang++-19 "
                        "-DCMAKE_C_COMPILER=clang-19")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
