//===- dma.cpp - DMA family: strided 2-D load and store ---------------------===//

#include "runtime/sim/functional/insns/Common.h"

#include <cstring>

using namespace llvm;

namespace tern::rt::sim::insns {

namespace {
/// Shared by load and store: both ranges are checked before any byte moves.
Error transfer(Machine &M, uint64_t sp, uint64_t saddr, uint64_t dram,
               uint64_t rowsCap, uint64_t cols, uint64_t stride,
               uint64_t lensel, bool toSpad) {
  Expected<uint64_t> rows = M.rowCount(rowsCap, lensel);
  if (!rows)
    return rows.takeError();
  if (*rows == 0 || cols == 0)
    return Error::success();
  // Stride 0 on a load repeats one DRAM row in every scratchpad row (a bias
  // or LayerNorm parameter broadcast over tokens). Any other stride below
  // the row size would make rows overlap; on a store that means a race
  // between rows, so it is refused there too.
  bool broadcast = toSpad && stride == 0;
  if (*rows > 1 && stride < cols && !broadcast)
    return invalid("DRAM stride " + Twine(stride) +
                   " is smaller than the row size " + Twine(cols) +
                   (toSpad ? " (only a load may use stride 0, to broadcast)"
                           : ""));
  uint64_t span = (*rows - 1) * stride + cols;
  Expected<uint8_t *> d = M.dram(dram, span);
  if (!d)
    return d.takeError();
  Expected<uint8_t *> s = toSpad ? wr(M, sp, saddr, *rows * cols)
                                 : rd(M, sp, saddr, *rows * cols);
  if (!s)
    return s.takeError();
  for (uint64_t r = 0; r < *rows; ++r)
    if (Error e = M.trackDram(dram + r * stride, cols,
                              toSpad ? Access::Read : Access::Write))
      return e;
  for (uint64_t r = 0; r < *rows; ++r) {
    if (toSpad)
      std::memcpy(*s + r * cols, *d + r * stride, cols);
    else
      std::memcpy(*d + r * stride, *s + r * cols, cols);
  }
  return Error::success();
}
} // namespace

Error execLoad(Machine &M, const isa::LoadF &f) {
  return transfer(M, f.spad, f.saddr, f.dram, f.rows, f.cols, f.stride,
                  f.lensel, /*toSpad=*/true);
}

Error execLoadT(Machine &M, const isa::LoadTF &f) {
  const uint64_t eb = f.ebytes, rows = f.rows, cols = f.cols;
  if (eb != 1 && eb != 2 && eb != 4)
    return invalid("element size " + Twine(eb) + " is not 1, 2 or 4 bytes");
  if (cols % eb != 0)
    return invalid("row size " + Twine(cols) + " is not a whole number of " +
                   Twine(eb) + "-byte elements");
  if (rows == 0 || cols == 0)
    return Error::success();
  if (rows > 1 && f.stride < cols)
    return invalid("DRAM stride " + Twine(f.stride) +
                   " is smaller than the row size " + Twine(cols));
  Expected<uint8_t *> d = M.dram(f.dram, (rows - 1) * f.stride + cols);
  if (!d)
    return d.takeError();
  Expected<uint8_t *> s = wr(M, f.spad, f.saddr, rows * cols);
  if (!s)
    return s.takeError();
  for (uint64_t r = 0; r < rows; ++r)
    if (Error e = M.trackDram(f.dram + r * f.stride, cols, Access::Read))
      return e;
  // Element c of DRAM row r becomes element r of scratchpad row c.
  const uint64_t elems = cols / eb;
  for (uint64_t r = 0; r < rows; ++r) {
    const uint8_t *src = *d + r * f.stride;
    for (uint64_t c = 0; c < elems; ++c)
      std::memcpy(*s + (c * rows + r) * eb, src + c * eb, eb);
  }
  return Error::success();
}

Error execStore(Machine &M, const isa::StoreF &f) {
  return transfer(M, f.spad, f.saddr, f.dram, f.rows, f.cols, f.stride,
                  f.lensel, /*toSpad=*/false);
}

} // namespace tern::rt::sim::insns

namespace tern::rt::sim::insns {

Error execLoadGather(Machine &M, const isa::LoadGatherF &f) {
  if (f.rows == 0 || f.cols == 0)
    return Error::success();
  // The whole table, the indices and the destination are checked before any
  // byte moves; then every index.
  Expected<uint8_t *> table = M.dram(f.dram, f.n * f.cols);
  if (!table)
    return table.takeError();
  Expected<uint8_t *> idx = rd(M, 3, f.idx, f.rows * 4);
  if (!idx)
    return idx.takeError();
  Expected<uint8_t *> s = wr(M, f.spad, f.saddr, f.rows * f.cols);
  if (!s)
    return s.takeError();
  auto index = [&](uint64_t i) {
    int32_t j;
    std::memcpy(&j, *idx + 4 * i, 4);
    return j;
  };
  // A negative index counts from the end (ONNX Gather): j in [-n, 0) reads
  // row j + n. Anything outside [-n, n) is an error, reported with the index
  // as stored.
  const int64_t n = static_cast<int64_t>(f.n);
  auto row = [&](int32_t j) -> int64_t { return j < 0 ? j + n : j; };
  for (uint64_t i = 0; i < f.rows; ++i) {
    int32_t j = index(i);
    if (j < -n || j >= n)
      return simError(ErrorKind::Runtime,
                      "gather index " + Twine(j) + " at position " + Twine(i) +
                          " is outside the " + Twine(f.n) + " table rows");
  }
  for (uint64_t i = 0; i < f.rows; ++i) {
    uint64_t j = static_cast<uint64_t>(row(index(i)));
    if (Error e = M.trackDram(f.dram + j * f.cols, f.cols, Access::Read))
      return e;
    std::memcpy(*s + i * f.cols, *table + j * f.cols, f.cols);
  }
  return Error::success();
}

} // namespace tern::rt::sim::insns
