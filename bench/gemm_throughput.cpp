//===- gemm_throughput.cpp - Functional-model int8 GEMM vs machine peak -----===//
//
// Measures, in one run, (1) this CPU's exact int8 MAC peak with a register-
// resident microkernel built from the same instruction the model's kernel
// uses on AVX2 (vpmaddwd: 16 exact int8 MACs on widened operands), plus the
// saturating u8 x s8 vpmaddubsw peak for reference, and (2) the sustained
// throughput of the functional model's `gemm` instructions on BERT-base
// tiles (through the executor: validation, hazard tracking, repacking
// included) and of the bare kernel. Reports medians of several repetitions.
// Not run by the tests; see docs/Benchmarks.md.
//
//===----------------------------------------------------------------------===//

#include "runtime/isa/ISA.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/functional/kernels/Gemm.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace tern::rt;
using Clock = std::chrono::steady_clock;

namespace {

/// CPU seconds of the whole process (all threads). On a shared machine
/// wall-clock time mostly measures the other tenants; CPU time does not, so
/// throughput is reported per CPU-second (wall-clock figures are printed too).
double cpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Timing {
  double cpu, wall; // medians, seconds
};

template <typename F> Timing measure(int reps, F f) {
  std::vector<double> c, w;
  for (int r = 0; r < reps; ++r) {
    double c0 = cpuNow();
    auto t0 = Clock::now();
    f();
    w.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    c.push_back(cpuNow() - c0);
  }
  std::sort(c.begin(), c.end());
  std::sort(w.begin(), w.end());
  return {c[c.size() / 2], w[w.size() / 2]};
}

#if defined(__x86_64__)
/// 10 independent chains c = c + madd(c, b) (10 + 1 live registers, no
/// spills): every vpmaddwd has distinct
/// inputs (no common subexpression) and the chains hide its latency.
__attribute__((target("avx2"))) int64_t peakMaddwd(int64_t iters) {
  __m256i b = _mm256_set1_epi16(3);
  __m256i c[10];
  for (int k = 0; k < 10; ++k)
    c[k] = _mm256_set1_epi16(static_cast<short>(k + 1));
  for (int64_t i = 0; i < iters; ++i) {
#define STEP(k) c[k] = _mm256_add_epi32(c[k], _mm256_madd_epi16(c[k], b));
    STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
    STEP(6) STEP(7) STEP(8) STEP(9)
#undef STEP
  }
  __m256i s = c[0];
  for (int k = 1; k < 10; ++k)
    s = _mm256_add_epi32(s, c[k]);
  return _mm256_extract_epi32(s, 0);
}

/// 10 chains of vpmaddubsw alone (u8 x s8 -> saturating s16 pairs): the
/// instruction's throughput, not a usable exact GEMM.
__attribute__((target("avx2"))) int64_t peakMaddubs(int64_t iters) {
  __m256i b = _mm256_set1_epi8(3);
  __m256i c[10];
  for (int k = 0; k < 10; ++k)
    c[k] = _mm256_set1_epi8(static_cast<char>(k + 1));
  for (int64_t i = 0; i < iters; ++i) {
#define STEP(k) c[k] = _mm256_maddubs_epi16(c[k], b);
    STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5)
    STEP(6) STEP(7) STEP(8) STEP(9)
#undef STEP
  }
  __m256i s = c[0];
  for (int k = 1; k < 10; ++k)
    s = _mm256_add_epi32(s, c[k]);
  return _mm256_extract_epi32(s, 0);
}
#endif

volatile int64_t sink;

struct Shape {
  unsigned M, K, N;
};

/// Runs the GEMM as `gemm` instructions on the functional model: N is split
/// into tiles whose weights fit the 1 MiB wgt scratchpad.
Timing modelTime(const Shape &s, unsigned threads, int reps) {
  const unsigned tileN = std::min(s.N, (1u << 20) / s.K / 64 * 64);
  sim::MachineConfig mc;
  mc.spadBytes = {1u << 20, 1u << 20, 1u << 20, 1u << 16};
  mc.dramBytes = 1 << 12;
  mc.threads = threads;
  mc.useSimd = true;
  sim::Machine M(mc);
  std::mt19937 rng(1);
  for (auto &b : M.rawSpad(isa::Spad::Act))
    b = static_cast<uint8_t>(rng());
  for (auto &b : M.rawSpad(isa::Spad::Wgt))
    b = static_cast<uint8_t>(rng());
  const isa::InsnInfo *g = isa::lookup("gemm");
  const isa::InsnInfo *end = isa::lookup("end");
  std::vector<isa::Word> words;
  for (unsigned n0 = 0; n0 < s.N; n0 += tileN) {
    unsigned n = std::min(tileN, s.N - n0);
    // dst, a, w, m, k, n, lensel, acc, width, accmode, bmap, baddr
    words.push_back(*isa::encode(*g, {0, 0, 0, s.M, s.K, n, 0, 0, 0, 0, 0, 0}));
  }
  words.push_back(*isa::encode(*end, {}));
  auto code = *sim::decodeProgram(words);
  // Re-running on the same machine is legal (one queue, so no sync needed).
  return measure(reps, [&] { llvm::cantFail(sim::run(M, code, {})); });
}

Timing kernelTime(const Shape &s, unsigned threads, int reps) {
  std::vector<int8_t> A(size_t(s.M) * s.K), W(size_t(s.K) * s.N);
  std::mt19937 rng(2);
  for (auto &a : A)
    a = static_cast<int8_t>(rng());
  for (auto &w : W)
    w = static_cast<int8_t>(rng());
  std::vector<int32_t> S(size_t(s.M) * s.N);
  return measure(reps, [&] {
    kernels::gemmInt8Simd(A.data(), W.data(), S.data(), s.M, s.K, s.N, threads);
  });
}

} // namespace

int main(int argc, char **argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 7;
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  std::printf("kernel target: %s, hardware threads: %u, repetitions: %d "
              "(medians)\n",
              kernels::gemmSimdTargetName(), hw, reps);
  // The machine may be shared: the peak is re-measured right before each
  // GEMM measurement and the ratio uses that adjacent value.
  auto measurePeak = [&](double &exact, double &sat) {
    exact = sat = 0;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
      const int64_t iters = 20'000'000;
      Timing t = measure(reps, [&] { sink = peakMaddwd(iters); });
      exact = iters * 10.0 * 16 / t.cpu; // 16 exact int8 MACs per vpmaddwd
      Timing ts = measure(reps, [&] { sink = peakMaddubs(iters); });
      sat = iters * 10.0 * 32 / ts.cpu; // 32 u8*s8 MACs per vpmaddubsw
    }
#endif
  };
  const Shape shapes[] = {{128, 768, 768}, {128, 768, 3072}, {128, 3072, 768}};
  for (const Shape &s : shapes) {
    double macs = double(s.M) * s.K * s.N;
    for (unsigned t : {1u, hw}) {
      double peak, peakSat;
      measurePeak(peak, peakSat);
      Timing tm = modelTime(s, t, reps), tk = kernelTime(s, t, reps);
      std::printf("%4ux%4ux%4u threads=%u: model %5.1f GMAC/cpu-s = %3.0f%% "
                  "of peak (wall %5.1f GMAC/s); kernel %5.1f = %3.0f%%; "
                  "peak %.1f exact (vpmaddwd), %.1f saturating (vpmaddubsw)\n",
                  s.M, s.K, s.N, t, macs / tm.cpu / 1e9,
                  peak > 0 ? 100 * macs / tm.cpu / peak : 0.0,
                  macs / tm.wall / 1e9, macs / tk.cpu / 1e9,
                  peak > 0 ? 100 * macs / tk.cpu / peak : 0.0, peak / 1e9,
                  peakSat / 1e9);
      if (t == hw)
        break;
    }
  }
  return 0;
}
