//===- cfg.cpp - CONFIG family: register writes -----------------------------===//

#include "runtime/sim/functional/insns/Common.h"

#include <algorithm>

using namespace llvm;

namespace tern::rt::sim::insns {

Error execCfgMode(Machine &M, const isa::CfgModeF &f) {
  M.bfMode = static_cast<kernels::BfMode>(f.mode);
  return Error::success();
}

Error execCfgRequant(Machine &M, const isa::CfgRequantF &f) {
  M.rq[f.rd] = {static_cast<uint32_t>(f.mult), static_cast<unsigned>(f.shift),
                static_cast<int32_t>(f.zp)};
  return Error::success();
}

Error execCfgConst(Machine &M, const isa::CfgConstF &f) {
  M.cregs[f.rd] = static_cast<uint16_t>(f.bits);
  return Error::success();
}

Error execCfgLen(Machine &M, const isa::CfgLenF &f) {
  if (!f.rel) {
    if (f.src != 0 || f.cap != 0 || f.gate != 0)
      return invalid("src, cap and gate are only used with rel=1");
    M.lens[f.rd] = static_cast<uint32_t>(f.value);
    return Error::success();
  }
  // The rows of a tile [value, value + cap) among the L[src] valid ones.
  uint64_t len = M.lens[f.src];
  uint64_t rest = len > f.value ? len - f.value : 0;
  if (f.gate)
    M.lens[f.rd] = rest > 0 ? static_cast<uint32_t>(f.cap) : 0u;
  else
    M.lens[f.rd] = static_cast<uint32_t>(std::min<uint64_t>(rest, f.cap));
  return Error::success();
}

Error execCfgIreg(Machine &M, const isa::CfgIregF &f) {
  M.pregs[f.rd] = static_cast<int32_t>(f.value);
  return Error::success();
}

} // namespace tern::rt::sim::insns
