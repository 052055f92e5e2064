//===- token.cpp - TOKEN family: importance, selection, gather --------------===//
//
// Token pruning per SEEDS.md section 2 [inf]: importance is the attention CLS
// pays each token, averaged over heads; CLS (index 0) is always kept; the
// selected count goes to a length register that later instructions read as
// their row count, so pruned tokens cost nothing downstream. tok.fuse folds
// the pruned tokens into one (EViT's inattentive-token fusion).
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/BF16.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace llvm;

namespace tern::rt::sim::insns {

Error execTokScore(Machine &M, const isa::TokScoreF &f) {
  if (f.heads == 0)
    return invalid("heads must be non-zero");
  const unsigned eb = f.ty ? 4 : 1;
  std::vector<int64_t> sum(f.n, 0);
  for (uint64_t h = 0; h < f.heads; ++h) {
    Expected<uint8_t *> row = rd(M, f.asp, f.a + h * f.hstride, f.n * eb);
    if (!row)
      return row.takeError();
    for (uint64_t j = 0; j < f.n; ++j)
      sum[j] += f.ty ? ld<int32_t>(*row, j) : ld<int8_t>(*row, j);
  }
  Expected<uint8_t *> d = wr(M, 3, f.dst, f.n * 4);
  if (!d)
    return d.takeError();
  const int64_t H = static_cast<int64_t>(f.heads);
  for (uint64_t j = 0; j < f.n; ++j) {
    int64_t q = sum[j] / H;
    if (sum[j] % H != 0 && sum[j] < 0)
      --q; // floor
    st<int32_t>(*d, j, static_cast<int32_t>(q));
  }
  return Error::success();
}

Error execTokSelect(Machine &M, const isa::TokSelectF &f) {
  if (f.n == 0)
    return invalid("n must be non-zero (CLS is always kept)");
  if (f.mode == 0 && f.param < 0)
    return invalid("top-k count param = " + Twine(f.param) + " is negative");
  Expected<uint8_t *> s = rd(M, 3, f.src, f.n * 4);
  if (!s)
    return s.takeError();
  std::vector<uint32_t> keep;
  if (f.mode == 0) {
    std::vector<uint32_t> cand;
    for (uint32_t j = 1; j < f.n; ++j)
      cand.push_back(j);
    // Higher score first; ties keep the lower index.
    std::stable_sort(cand.begin(), cand.end(), [&](uint32_t x, uint32_t y) {
      return ld<int32_t>(*s, x) > ld<int32_t>(*s, y);
    });
    cand.resize(std::min<uint64_t>(cand.size(), static_cast<uint64_t>(f.param)));
    keep = cand;
  } else {
    for (uint32_t j = 1; j < f.n; ++j)
      if (ld<int32_t>(*s, j) > f.param)
        keep.push_back(j);
  }
  keep.push_back(0);
  std::sort(keep.begin(), keep.end());
  Expected<uint8_t *> d = wr(M, 3, f.dst, keep.size() * 4);
  if (!d)
    return d.takeError();
  for (size_t i = 0; i < keep.size(); ++i)
    st<int32_t>(*d, i, static_cast<int32_t>(keep[i]));
  M.lens[f.lreg] = static_cast<uint32_t>(keep.size());
  M.stats.lastTokenCount = keep.size();
  return Error::success();
}

Error execTokGather(Machine &M, const isa::TokGatherF &f) {
  uint64_t len = M.lens[f.lreg];
  if (len > f.n)
    return simError(ErrorKind::Runtime,
                    "length register L" + Twine(f.lreg) + " = " + Twine(len) +
                        " exceeds the gather capacity n = " + Twine(f.n));
  // Static bounds of both row blocks, then the exact rows touched.
  uint64_t block = f.n * f.rowbytes;
  for (auto [sp, addr] : {std::pair{f.asp, f.a}, std::pair{f.dsp, f.dst}})
    if (addr + block > M.config().spadBytes[sp])
      return simError(ErrorKind::OutOfBounds,
                      Twine("scratchpad overflow: ") +
                          isa::spadName(spadOf(sp)) + " bytes [" + Twine(addr) +
                          ", " + Twine(addr + block) + ") exceed its size " +
                          Twine(M.config().spadBytes[sp]));
  Expected<uint8_t *> idx = rd(M, 3, f.idx, len * 4);
  if (!idx)
    return idx.takeError();
  for (uint64_t i = 0; i < len; ++i) {
    int32_t j = ld<int32_t>(*idx, i);
    if (j < 0 || static_cast<uint64_t>(j) >= f.n)
      return simError(ErrorKind::Runtime, "gather index " + Twine(j) +
                                              " at position " + Twine(i) +
                                              " is outside the " + Twine(f.n) +
                                              " source rows");
    Expected<uint8_t *> src = rd(M, f.asp, f.a + j * f.rowbytes, f.rowbytes);
    if (!src)
      return src.takeError();
    Expected<uint8_t *> dst = wr(M, f.dsp, f.dst + i * f.rowbytes, f.rowbytes);
    if (!dst)
      return dst.takeError();
    std::memmove(*dst, *src, f.rowbytes);
  }
  // Zero fill (threshold selection): rows [L, n) of the destination become
  // zeros, so a capacity-n tensor has finite, harmless rows past the count.
  if (f.zf && len < f.n) {
    Expected<uint8_t *> dst =
        wr(M, f.dsp, f.dst + len * f.rowbytes, (f.n - len) * f.rowbytes);
    if (!dst)
      return dst.takeError();
    std::memset(*dst, 0, (f.n - len) * f.rowbytes);
  }
  return Error::success();
}

Error execTokFuse(Machine &M, const isa::TokFuseF &f) {
  uint64_t len = M.lens[f.lreg];
  if (len > f.n)
    return simError(ErrorKind::Runtime,
                    "length register L" + Twine(f.lreg) + " = " + Twine(len) +
                        " exceeds the token count n = " + Twine(f.n));
  Expected<uint8_t *> idx = rd(M, 3, f.idx, len * 4);
  if (!idx)
    return idx.takeError();
  std::vector<bool> kept(f.n, false);
  if (f.n > 0)
    kept[0] = true; // CLS is never fused
  for (uint64_t i = 0; i < len; ++i) {
    int32_t j = ld<int32_t>(*idx, i);
    if (j < 0 || static_cast<uint64_t>(j) >= f.n)
      return simError(ErrorKind::Runtime, "kept index " + Twine(j) +
                                              " at position " + Twine(i) +
                                              " is outside the " + Twine(f.n) +
                                              " tokens");
    kept[j] = true;
  }
  Expected<uint8_t *> sc = rd(M, 3, f.sc, f.n * 4);
  if (!sc)
    return sc.takeError();
  Expected<uint8_t *> a = rd(M, 0, f.a, f.n * f.cols * 2);
  if (!a)
    return a.takeError();
  // Weights: the non-negative scores of the pruned tokens; if they are all
  // zero (attention below the int8 scoring step), the plain mean.
  std::vector<int64_t> w(f.n, 0);
  int64_t total = 0, pruned = 0;
  for (uint64_t j = 0; j < f.n; ++j)
    if (!kept[j]) {
      w[j] = std::max<int32_t>(ld<int32_t>(*sc, j), 0);
      total += w[j];
      ++pruned;
    }
  if (total == 0)
    for (uint64_t j = 0; j < f.n; ++j)
      if (!kept[j])
        w[j] = 1, ++total;
  Expected<uint8_t *> d = wr(M, 0, f.dst, f.cols * 2);
  if (!d)
    return d.takeError();
  // Products of 8-bit significands and integer weights, summed in binary64
  // in token order, divided by the weight sum, then rounded to binary32 and
  // to bf16 (both to nearest even): independent of cfg.mode.
  for (uint64_t c = 0; c < f.cols; ++c) {
    double acc = 0;
    for (uint64_t j = 0; j < f.n; ++j)
      if (w[j])
        acc += static_cast<double>(w[j]) *
               kernels::bfToFloat(ld<kernels::bf16>(*a, j * f.cols + c));
    double mean = pruned ? acc / static_cast<double>(total) : 0.0;
    st<kernels::bf16>(*d, c, kernels::floatToBf(static_cast<float>(mean)));
  }
  return Error::success();
}

} // namespace tern::rt::sim::insns
