//===- SimError.h - Errors raised by the functional model --------*- C++ -*-===//
//
// Semantics report a category and a detail; the executor adds the
// instruction index and its disassembly, giving e.g.
//   dependency violation at instruction 7 (gemm dst=0, ...): reads act
//   bytes [0x0, 0x40) written by instruction 3 (queue load) with no sync
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_SIMERROR_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_SIMERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace tern::rt::sim {

enum class ErrorKind {
  InvalidInstruction, ///< field values or combinations the unit rejects
  OutOfBounds,        ///< scratchpad overflow or DMA outside DRAM
  Dependency,         ///< unordered conflicting access between queues
  Runtime,            ///< data-dependent failure (bad index, empty token queue)
};

llvm::StringRef errorKindName(ErrorKind k);

class SimError : public llvm::ErrorInfo<SimError> {
public:
  static char ID;
  SimError(ErrorKind kind, std::string detail)
      : kind(kind), detail(std::move(detail)) {}
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  ErrorKind kind;
  std::string detail;
};

inline llvm::Error simError(ErrorKind kind, const llvm::Twine &detail) {
  return llvm::make_error<SimError>(kind, detail.str());
}

} // namespace tern::rt::sim

#endif
