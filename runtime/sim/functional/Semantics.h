//===- Semantics.h - One semantic function per instruction -------*- C++ -*-===//
//
// Declared from Instructions.def; defined in insns/<family>.cpp. Each function
// validates its fields (registers, combinations, bounds through Machine) and
// only then computes. The executor adds the instruction index to any error.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_SEMANTICS_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_SEMANTICS_H

#include "runtime/isa/ISA.h"
#include "runtime/sim/functional/Machine.h"

namespace tern::rt::sim::insns {

#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem)                               \
  llvm::Error exec##Id(Machine &M, const isa::Id##F &f);
#include "runtime/isa/Instructions.def"

} // namespace tern::rt::sim::insns

#endif
