//===- Assembler.h - Tern text assembly <-> program image --------*- C++ -*-===//
//
// Syntax (one statement per line; comments start with '//', '#' or ';'):
//   .target tern-edge              built-in preset (or a path to a .json)
//   .target_json "<json>"          an embedded preset, verbatim
//   .dram 65536                    DRAM size in bytes
//   .input "x", i8, [4, 16], 0x0, scale=0.5, zp=0
//   .output "y", i32, [4, 8], 0x1000
//   .const 0x2000, i8, 1, 2, -3    values (i8 u8 i6 i4 i16 i32 bf16 f32)
//   .const 0x2000, i4, count=5, hex "21f3a0"   packed bytes
//   .const 0x2000, i8, file "w.npy"            relative to the .s file
//   .loc "encoder.0/attn/q_proj"   debug location of what follows
//   gemm dst=0, a=0, w=0, m=4, k=16, n=8       omitted fields are 0
// Errors read "file:line:col: message".
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_ASM_ASSEMBLER_H
#define TERN_RUNTIME_ASM_ASSEMBLER_H

#include "runtime/program/Program.h"

#include "llvm/Support/Error.h"

namespace tern::rt::assembler {

/// \p fileName is used in messages and to resolve `file "..."` paths.
llvm::Expected<program::ProgramImage> assemble(llvm::StringRef text,
                                               llvm::StringRef fileName);

/// Text that assemble() turns back into an identical image.
std::string disassemble(const program::ProgramImage &p);

} // namespace tern::rt::assembler

#endif
