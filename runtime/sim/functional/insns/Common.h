//===- Common.h - Helpers shared by the semantic files -----------*- C++ -*-===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_INSNS_COMMON_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_INSNS_COMMON_H

#include "runtime/sim/functional/Semantics.h"

#include "llvm/ADT/Twine.h"

namespace tern::rt::sim::insns {

inline llvm::Error invalid(const llvm::Twine &msg) {
  return simError(ErrorKind::InvalidInstruction, msg);
}

inline isa::Spad spadOf(uint64_t v) { return static_cast<isa::Spad>(v & 3); }

inline llvm::Expected<uint8_t *> rd(Machine &M, uint64_t sp, uint64_t addr,
                                    uint64_t bytes) {
  return M.spad(spadOf(sp), addr, bytes, Access::Read);
}
inline llvm::Expected<uint8_t *> wr(Machine &M, uint64_t sp, uint64_t addr,
                                    uint64_t bytes) {
  return M.spad(spadOf(sp), addr, bytes, Access::Write);
}

/// Checks that registers base..base+count-1 exist in a file of \p size.
inline llvm::Error checkRegs(uint64_t base, unsigned count, unsigned size,
                             llvm::StringRef field) {
  if (base + count > size)
    return invalid(llvm::Twine("field '") + field + "' = " + llvm::Twine(base) +
                   " needs registers up to " + llvm::Twine(base + count - 1) +
                   " of " + llvm::Twine(size));
  return llvm::Error::success();
}

/// Vector element size of a VType field (0: i32, 1: bf16).
inline unsigned vtypeBytes(uint64_t ty) { return ty ? 2 : 4; }

} // namespace tern::rt::sim::insns

#endif
