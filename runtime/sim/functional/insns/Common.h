//===- Common.h - Helpers shared by the semantic files -----------*- C++ -*-===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_INSNS_COMMON_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_INSNS_COMMON_H

#include "runtime/sim/functional/Semantics.h"

#include "llvm/ADT/Twine.h"

#include <cstring>
#include <vector>

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

/// Which element of operand b meets a[r][c] = a[e], e = r * cols + c (the
/// `bmode` field of vadd / vsub / vmul / vmax / rsfu.pow): elem b[e], row
/// b[c], col b[r].
enum class BMode : uint64_t { Elem = 0, Row = 1, Col = 2 };

/// Operand b of a binary element-wise instruction: the constant register
/// C[creg] when bconst, else the elements bmode reads. A broadcast b is
/// copied before d is written, so that d may overlap it (as an element-wise
/// b may overlap d element for element).
struct BOperand {
  bool isConst = false;
  BMode mode = BMode::Elem;
  uint64_t cols = 0;
  const uint8_t *direct = nullptr;
  std::vector<uint8_t> copy;

  const uint8_t *data() const {
    return mode == BMode::Elem ? direct : copy.data();
  }
  /// Element index into b of result element e.
  uint64_t index(uint64_t e) const {
    switch (mode) {
    case BMode::Row: return e % cols;
    case BMode::Col: return e / cols;
    case BMode::Elem: break;
    }
    return e;
  }
};

/// Checks the bconst / bmode fields of \p f and reads b for a [rows x cols]
/// operation on \p eb -byte elements (only the elements bmode reads are
/// checked and tracked).
template <typename F>
llvm::Expected<BOperand> readB(Machine &M, const F &f, uint64_t rows,
                               unsigned eb) {
  if (f.bmode > 2)
    return invalid("field 'bmode' = 3 is not elem, row or col");
  BOperand b;
  b.mode = static_cast<BMode>(f.bmode);
  b.cols = f.cols;
  b.isConst = f.bconst != 0;
  if (b.isConst) {
    if (b.mode != BMode::Elem)
      return invalid("a constant operand (bconst=1) takes bmode=elem");
    return std::move(b);
  }
  const uint64_t n = b.mode == BMode::Row   ? f.cols
                     : b.mode == BMode::Col ? rows
                                            : rows * f.cols;
  llvm::Expected<uint8_t *> p = rd(M, f.bsp, f.b, n * eb);
  if (!p)
    return p.takeError();
  b.direct = *p;
  if (b.mode != BMode::Elem)
    b.copy.assign(*p, *p + n * eb);
  return std::move(b);
}

/// The operands of a binary element-wise instruction (vadd ... vmax, vcmp,
/// rsfu.pow, rsfu.div) over its run-time [rows x cols]: a read as \p eb
/// -byte elements, b as readB gives it, d written as \p db -byte elements.
/// The ranges are checked in that order (a, b, d), so the first bad field
/// is the one an error names.
struct BinaryOperands {
  uint64_t n = 0;
  uint8_t *a = nullptr;
  BOperand b;
  uint8_t *d = nullptr;

  /// b's element for result element e, or nullptr for the constant register.
  const uint8_t *bData() const { return b.isConst ? nullptr : b.data(); }
};

/// Operand a may have other elements (\p ab bytes) than b (\p bb): the
/// integer base of rsfu.pow's `aint`.
template <typename F>
llvm::Expected<BinaryOperands> bindBinary(Machine &M, const F &f, unsigned ab,
                                          unsigned bb, unsigned db) {
  llvm::Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  BinaryOperands ops;
  ops.n = *rows * f.cols;
  llvm::Expected<uint8_t *> a = rd(M, f.asp, f.a, ops.n * ab);
  if (!a)
    return a.takeError();
  ops.a = *a;
  llvm::Expected<BOperand> b = readB(M, f, *rows, bb);
  if (!b)
    return b.takeError();
  ops.b = std::move(*b);
  llvm::Expected<uint8_t *> d = wr(M, f.dsp, f.dst, ops.n * db);
  if (!d)
    return d.takeError();
  ops.d = *d;
  return std::move(ops);
}

template <typename F>
llvm::Expected<BinaryOperands> bindBinary(Machine &M, const F &f, unsigned eb,
                                          unsigned db) {
  return bindBinary(M, f, eb, eb, db);
}

/// The operands of a [rows x cols] instruction with one input tile: `a` of
/// `ab` bytes an element and `d` of `db`, their ranges checked.
struct UnaryOperands {
  uint64_t rows = 0, n = 0; ///< rows (after lensel), rows x cols
  uint8_t *a = nullptr;
  uint8_t *d = nullptr;
};

template <typename F>
llvm::Expected<UnaryOperands> bindUnary(Machine &M, const F &f, unsigned ab,
                                        unsigned db) {
  llvm::Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  UnaryOperands ops;
  ops.rows = *rows;
  ops.n = *rows * f.cols;
  llvm::Expected<uint8_t *> a = rd(M, f.asp, f.a, ops.n * ab);
  if (!a)
    return a.takeError();
  ops.a = *a;
  llvm::Expected<uint8_t *> d = wr(M, f.dsp, f.dst, ops.n * db);
  if (!d)
    return d.takeError();
  ops.d = *d;
  return ops;
}

/// Applies `fn` to each row of a [rows x cols] tile of `Elem` values read
/// from field `a` and writes the row to field `dst`, after checking both
/// ranges. The whole row is read before it is written, so in place is fine.
template <typename Elem, typename F, typename Fn>
llvm::Error forEachRow(Machine &M, const F &f, Fn fn) {
  llvm::Expected<UnaryOperands> ops =
      bindUnary(M, f, sizeof(Elem), sizeof(Elem));
  if (!ops)
    return ops.takeError();
  // Zero columns: nothing to compute, and an empty row has no storage to
  // hand to memcpy.
  if (f.cols == 0)
    return llvm::Error::success();
  std::vector<Elem> row(f.cols);
  for (uint64_t r = 0; r < ops->rows; ++r) {
    std::memcpy(row.data(), ops->a + r * f.cols * sizeof(Elem),
                f.cols * sizeof(Elem));
    fn(row);
    std::memcpy(ops->d + r * f.cols * sizeof(Elem), row.data(),
                f.cols * sizeof(Elem));
  }
  return llvm::Error::success();
}

} // namespace tern::rt::sim::insns

#endif
