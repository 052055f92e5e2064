//===- WideRows.cpp - row-wise kernels over rows wider than a tile -------===//
//
// The SFU's row kernels (rsfu.softmax, ...) take a whole row in one tile: at
// most 4095 columns (the instructions' 12-bit field) and a quarter of the
// activation scratchpad. A wider row is spilled: its column chunks stream
// through the scratchpad in passes, with per-row, per-chunk statistics and
// the intermediate values in DRAM (docs/Lowering.md, "Rows wider than a
// tile").
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Accel/IR/AccelOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// Columns of one chunk at most: well inside the 12-bit fields.
constexpr int64_t kMaxChunkCols = 2048;

/// How a [rows x cols] bf16 matrix streams through the activation
/// scratchpad: chunks of `chunk` columns, `rows` rows at a time, each tile
/// (and, with `statsPerChunk`, the [rows x chunks] statistics of a softmax)
/// within a tile's budget.
struct ChunkPlan {
  int64_t totalRows, cols, chunk, chunks, rows;
  ChunkPlan(Value matrix, const TileSizes &tiles, bool statsPerChunk = false) {
    auto shape = cast<MemRefType>(matrix.getType()).getShape();
    totalRows = shape[0];
    cols = shape[1];
    const int64_t budget = tiles.actBytes / TileSizes::kTilesPerScratchpad;
    chunk = std::max<int64_t>(
        1, std::min<int64_t>({cols, kMaxChunkCols, budget / 2}));
    chunks = (cols + chunk - 1) / chunk;
    int64_t widest = statsPerChunk ? std::max(chunk, chunks) : chunk;
    rows = std::clamp<int64_t>(budget / (widest * 2), 1,
                               std::max<int64_t>(1, tiles.m));
  }
  /// Column offset and width of chunk j.
  std::pair<int64_t, int64_t> columns(int64_t j) const {
    return {j * chunk, std::min(chunk, cols - j * chunk)};
  }
};

} // namespace

bool tern::rowWiderThanTile(const TileSizes &tiles, int64_t cols,
                            unsigned elementBytes) {
  return cols > TileBuilder::kMaxTileCols ||
         cols * elementBytes > tiles.actBytes / TileSizes::kTilesPerScratchpad;
}

namespace {
/// The first pass of the two-level softmax and log-softmax over rows
/// [r0, r0 + rows): each chunk j's kernel (rsfu.softmax, `log` or not) into
/// `out`, the chunk's maximum into column j of `maxima` and the maximum of
/// the kernel's output (1 / s_j, or -log s_j) into column j of `peaks`.
void chunkKernels(TileBuilder &tb, const ChunkPlan &plan, Value in, Value out,
                  Value maxima, Value peaks, int64_t r0, int64_t rows,
                  bool log) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  Type bf16 = b.getBF16Type();
  for (int64_t j = 0; j < plan.chunks; ++j) {
    auto [c0, width] = plan.columns(j);
    Value x = tb.load(tb.block(in, r0, c0, rows, width), MemorySpace::act);
    Value m = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<ReduceOp>(loc, ReduceKind::max, x, m);
    tb.store(m, tb.block(maxima, r0, j, rows, 1));
    Value p = tb.allocTile({rows, width}, bf16, MemorySpace::act);
    b.create<accel::SoftmaxOp>(loc, x, p, log);
    tb.store(p, tb.block(out, r0, c0, rows, width));
    Value peak = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<ReduceOp>(loc, ReduceKind::max, p, peak);
    tb.store(peak, tb.block(peaks, r0, j, rows, 1));
  }
}

/// The last pass: each chunk j of `out` over rows [r0, r0 + rows) combined
/// (`kind`: mul for the softmax, add for the log-softmax) with its rows'
/// value in column j of `perChunk`.
void combineChunks(TileBuilder &tb, const ChunkPlan &plan, Value out,
                   Value perChunk, int64_t r0, int64_t rows, VectorKind kind) {
  OpBuilder &b = tb.builder();
  Type bf16 = b.getBF16Type();
  for (int64_t j = 0; j < plan.chunks; ++j) {
    auto [c0, width] = plan.columns(j);
    Value p = tb.load(tb.block(out, r0, c0, rows, width), MemorySpace::act);
    Value a = tb.load(tb.block(perChunk, r0, j, rows, 1), MemorySpace::act);
    Value y = tb.allocTile({rows, width}, bf16, MemorySpace::act);
    b.create<VectorColumnOp>(tb.location(), kind, p, a, y);
    tb.store(y, tb.block(out, r0, c0, rows, width));
  }
}
} // namespace

// Two-level softmax. With p_j = softmax(x_j) over chunk j (the SFU's
// kernel, f32 inside), m_j its maximum and s_j = sum exp(x_j - m_j), whose
// reciprocal is max p_j, the softmax of the whole row is p_j * a_j with
//   a_j = s_j exp(m_j - M) / sum_k s_k exp(m_k - M)
//       = b_j s_j / sum_k b_k s_k,   b = softmax over the chunks of m_j,
// so no lane ever subtracts two nearby values: in TATAA's lane arithmetic
// (one bit of renormalization) x - max cancels to 0.
//
// Two-level log-softmax: with l_j = log_softmax(x_j) (the kernel with
// `log`), max l_j = -log s_j, and log_softmax(x) = l_j + log a_j, the same
// weights through the SFU's log; the last addition adds two values <= 0
// (no cancellation either).
static void lowerTwoLevelSoftmax(TileBuilder &tb, Value in, Value out,
                                 const TileSizes &tiles, bool log) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  const ChunkPlan plan(in, tiles, /*statsPerChunk=*/true);
  const int64_t totalRows = plan.totalRows, chunks = plan.chunks,
                tm = plan.rows;
  Type bf16 = b.getBF16Type();
  // Per row and chunk: the maximum, the peak of the kernel's output (1 /
  // s_j or -log s_j), the weight a_j (or log a_j).
  Value maxima = tb.allocDram({totalRows, chunks}, bf16);
  Value peaks = tb.allocDram({totalRows, chunks}, bf16);
  Value weights = tb.allocDram({totalRows, chunks}, bf16);
  for (int64_t r0 = 0; r0 < totalRows; r0 += tm) {
    const int64_t rows = std::min(tm, totalRows - r0);
    chunkKernels(tb, plan, in, out, maxima, peaks, r0, rows, log);
    // a = b * s / sum(b * s), b = softmax(m); s = 1 / peak (softmax) or
    // exp(-peak) (log-softmax).
    Value m = tb.load(tb.block(maxima, r0, 0, rows, chunks), MemorySpace::act);
    Value w = tb.allocTile({rows, chunks}, bf16, MemorySpace::act);
    b.create<accel::SoftmaxOp>(loc, m, w);
    Value peak =
        tb.load(tb.block(peaks, r0, 0, rows, chunks), MemorySpace::act);
    if (log) {
      b.create<VectorConstOp>(loc, VectorKind::mul, peak, peak, APFloat(-1.0f));
      b.create<SfuFnOp>(loc, SfuFunction::exp, peak, peak);
      b.create<VectorOp>(loc, VectorKind::mul, w, peak, w);
    } else {
      b.create<VectorOp>(loc, VectorKind::div, w, peak, w);
    }
    Value total = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<ReduceOp>(loc, ReduceKind::sum, w, total);
    b.create<VectorColumnOp>(loc, VectorKind::div, w, total, w);
    if (log)
      b.create<SfuFnOp>(loc, SfuFunction::log, w, w);
    tb.store(w, tb.block(weights, r0, 0, rows, chunks));
    combineChunks(tb, plan, out, weights, r0, rows,
                  log ? VectorKind::add : VectorKind::mul);
  }
}

void tern::lowerWideSoftmax(Operation *, TileBuilder &tb, Value in, Value out,
                            const TileSizes &tiles) {
  lowerTwoLevelSoftmax(tb, in, out, tiles, /*log=*/false);
}

void tern::lowerWideLogSoftmax(Operation *, TileBuilder &tb, Value in,
                               Value out, const TileSizes &tiles) {
  lowerTwoLevelSoftmax(tb, in, out, tiles, /*log=*/true);
}

// Three passes over the chunks, every row sum in f32 on the matrix unit (a
// product with a column of ones, accumulated over the chunks):
//   1. mu = sum(x) / n, rounded to bf16 (mu_hi);
//   2. d = x - mu_hi on the lanes; mu_lo = sum(d) / n and v = sum(d^2) / n:
//      the variance about mu_hi, so that a mean large against the spread
//      loses nothing to mu's rounding; var = v - mu_lo^2;
//   3. y = ((x - mu_hi) - mu_lo) / sqrt(var + eps) * gamma + beta, the
//      division and square root correctly rounded (SFU).
void tern::lowerWideLayerNorm(Operation *op,
                              ConversionPatternRewriter &rewriter,
                              TileBuilder &tb, Value in, Value gamma,
                              Value beta, Value out, float eps,
                              const TileSizes &tiles) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  const ChunkPlan plan(in, tiles);
  const int64_t totalRows = plan.totalRows, cols = plan.cols, tm = plan.rows;
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  const float invN = 1.0f / static_cast<float>(cols);
  Value ones =
      makeBf16Global(rewriter, op, {plan.chunk, 1},
                     SmallVector<float>(plan.chunk, 1.0f), "__tern_ones");
  auto eachChunk = [&](auto body) {
    for (int64_t j = 0; j < plan.chunks; ++j) {
      auto [c0, width] = plan.columns(j);
      body(c0, width);
    }
  };
  // acc (+)= tile * ones: the row sums of `tile` in f32.
  auto rowSum = [&](Value tile, int64_t width, Value acc, bool accumulate) {
    Value one = tb.load(tb.block(ones, 0, 0, width, 1), MemorySpace::wgt);
    b.create<GemmOp>(loc, tile, one, acc, accumulate);
  };
  auto toBf16 = [&](Value acc, int64_t rows, float scale) {
    Value v = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<ConvertOp>(loc, acc, v, b.getF32FloatAttr(scale));
    return v;
  };
  for (int64_t r0 = 0; r0 < totalRows; r0 += tm) {
    const int64_t rows = std::min(tm, totalRows - r0);
    auto chunkOf = [&](int64_t c0, int64_t width) {
      return tb.load(tb.block(in, r0, c0, rows, width), MemorySpace::act);
    };
    Value sum = tb.allocTile({rows, 1}, f32, MemorySpace::acc);
    eachChunk([&](int64_t c0, int64_t width) {
      rowSum(chunkOf(c0, width), width, sum, c0 > 0);
    });
    Value muHi = toBf16(sum, rows, invN);
    Value sumD = tb.allocTile({rows, 1}, f32, MemorySpace::acc);
    Value sumD2 = tb.allocTile({rows, 1}, f32, MemorySpace::acc);
    eachChunk([&](int64_t c0, int64_t width) {
      Value d = chunkOf(c0, width);
      b.create<VectorColumnOp>(loc, VectorKind::sub, d, muHi, d);
      rowSum(d, width, sumD, c0 > 0);
      Value d2 = tb.allocTile({rows, width}, bf16, MemorySpace::act);
      b.create<VectorOp>(loc, VectorKind::mul, d, d, d2);
      rowSum(d2, width, sumD2, c0 > 0);
    });
    Value muLo = toBf16(sumD, rows, invN);
    Value var = toBf16(sumD2, rows, invN);
    Value muLo2 = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<VectorOp>(loc, VectorKind::mul, muLo, muLo, muLo2);
    b.create<VectorOp>(loc, VectorKind::sub, var, muLo2, var);
    b.create<VectorConstOp>(loc, VectorKind::add, var, var, APFloat(eps));
    Value sd = tb.allocTile({rows, 1}, bf16, MemorySpace::act);
    b.create<SqrtOp>(loc, var, sd);
    eachChunk([&](int64_t c0, int64_t width) {
      Value y = chunkOf(c0, width);
      b.create<VectorColumnOp>(loc, VectorKind::sub, y, muHi, y);
      b.create<VectorColumnOp>(loc, VectorKind::sub, y, muLo, y);
      b.create<VectorColumnOp>(loc, VectorKind::div, y, sd, y);
      Value g = tb.loadBroadcast(gamma, c0, rows, width, MemorySpace::act);
      b.create<VectorOp>(loc, VectorKind::mul, y, g, y);
      Value bias = tb.loadBroadcast(beta, c0, rows, width, MemorySpace::act);
      b.create<VectorOp>(loc, VectorKind::add, y, bias, y);
      tb.store(y, tb.block(out, r0, c0, rows, width));
    });
  }
}
