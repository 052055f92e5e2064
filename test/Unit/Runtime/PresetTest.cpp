//===- PresetTest.cpp - Target presets load and bad ones are refused --------===//

#include "runtime/targets/Preset.h"

#include "gtest/gtest.h"

using namespace tern::rt::targets;

TEST(Preset, AllBuiltinsLoad) {
  std::vector<std::string> names = builtinPresetNames();
  for (const char *n : {"tern-edge", "tataa-u280", "swifttron-65nm",
                        "vit-tp-28nm", "spartan7-ts", "atleus-3d"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  for (const std::string &n : names) {
    auto p = loadPreset(n);
    ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
    EXPECT_EQ(p->first.name, n);
    EXPECT_FALSE(p->first.sources.empty()) << n << " cites no sources";
  }
  auto t = loadPreset("tataa-u280");
  ASSERT_TRUE(!!t);
  EXPECT_EQ(t->first.cores, 8u);
  EXPECT_EQ(t->first.arrayRows * t->first.arrayCols, 1024u);
  EXPECT_EQ(t->first.bf16Lanes, 128u);
  EXPECT_EQ(t->first.clockMHz, 225.0);
  EXPECT_EQ(t->first.bf16Mode, tern::rt::kernels::BfMode::Tataa);
  auto v = loadPreset("vit-tp-28nm");
  ASSERT_TRUE(!!v);
  EXPECT_EQ(v->first.arrayRows * v->first.arrayCols, 512u);
  auto a = loadPreset("atleus-3d");
  ASSERT_TRUE(!!a && a->first.reram);
  EXPECT_EQ(a->first.reram->crossbarRows, 128u);
}

namespace {
std::string mutate(const std::string &from, const std::string &to,
                   const char *preset = "tern-edge") {
  auto base = loadPreset(preset);
  EXPECT_TRUE(!!base);
  std::string text = base->second;
  size_t p = text.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  text.replace(p, from.size(), to);
  auto r = parsePreset(text, "test");
  return r ? "" : llvm::toString(r.takeError());
}
} // namespace

TEST(Preset, ImpossibleValuesNameTheField) {
  EXPECT_EQ(mutate("\"bandwidth_gbps\": 12.8", "\"bandwidth_gbps\": 0"),
            "preset 'tern-edge': field 'dram.bandwidth_gbps' must be > 0");
  EXPECT_EQ(mutate("\"rows\": 16", "\"rows\": 16, \"foo\": 1"),
            "preset 'tern-edge': field 'array.foo' is not a known field");
  EXPECT_NE(mutate("\"rows\": 16, \"cols\": 16", "\"rows\": 512, \"cols\": 512")
                .find("field 'array' is larger than its memories"),
            std::string::npos);
  EXPECT_EQ(mutate("\"clock_mhz\": 500,", ""),
            "preset 'tern-edge': field 'clock_mhz' is missing");
  EXPECT_EQ(mutate("\"cores\": 1", "\"cores\": \"one\""),
            "preset 'tern-edge': field 'cores' must be an integer");
  EXPECT_NE(mutate("\"act_kib\": 256", "\"act_kib\": 4096")
                .find("scratchpad.act_kib"),
            std::string::npos);
  EXPECT_NE(mutate("\"bf16_mode\": \"ieee\"", "\"bf16_mode\": \"fast\"")
                .find("vector.bf16_mode"),
            std::string::npos);
  EXPECT_NE(mutate("[inf] Tern's own", "Tern's own").find("sources.all"),
            std::string::npos);
  auto bad = parsePreset("{ not json", "x");
  ASSERT_FALSE(!!bad);
  EXPECT_NE(llvm::toString(bad.takeError()).find("invalid JSON"),
            std::string::npos);
}

// Impossible machines: zero rates and sizes, memories too small for the
// array or the lanes that read them, a multi-core machine without a NoC.
// Each is refused and the message names the field.
TEST(Preset, ZeroRatesAndSizesAreRefused) {
  const char *p = "preset 'tern-edge': field ";
  EXPECT_EQ(mutate("\"clock_mhz\": 500", "\"clock_mhz\": 0"),
            std::string(p) + "'clock_mhz' must be > 0");
  EXPECT_EQ(mutate("\"cores\": 1", "\"cores\": 0"),
            std::string(p) + "'cores' must be > 0");
  EXPECT_EQ(mutate("\"rows\": 16", "\"rows\": 0"),
            std::string(p) + "'array.rows' must be > 0");
  EXPECT_EQ(mutate("\"int32_lanes\": 16", "\"int32_lanes\": 0"),
            std::string(p) + "'vector.int32_lanes' must be > 0");
  EXPECT_EQ(mutate("\"act_kib\": 256", "\"act_kib\": 0"),
            std::string(p) + "'scratchpad.act_kib' must be > 0");
  EXPECT_EQ(mutate("\"latency_ns\": 100", "\"latency_ns\": -1"),
            std::string(p) + "'dram.latency_ns' must be >= 0");
  EXPECT_EQ(mutate("\"mac\": 0.25", "\"mac\": 0"),
            std::string(p) + "'energy_pj.mac' must be > 0");
  EXPECT_EQ(mutate("\"link_gbps\": 14.4", "\"link_gbps\": 0", "tataa-u280"),
            "preset 'tataa-u280': field 'noc.link_gbps' must be > 0");
  EXPECT_EQ(mutate("\"cores\": 1", "\"cores\": 2"),
            std::string(p) + "'noc' is required when cores > 1");
  EXPECT_EQ(
      mutate("\"crossbar_rows\": 128", "\"crossbar_rows\": 0", "atleus-3d"),
      "preset 'atleus-3d': field 'reram.crossbar_rows' must be > 0");
}

TEST(Preset, ArrayLargerThanItsMemoriesIsRefused) {
  const char *p = "preset 'tern-edge': field ";
  // Accumulator tile: 512 x 512 x 4 bytes > 256 KiB.
  EXPECT_EQ(
      mutate("\"rows\": 16, \"cols\": 16", "\"rows\": 512, \"cols\": 512"),
      std::string(p) + "'array' is larger than its memories: an 512 x "
                       "512 accumulator tile does not fit "
                       "scratchpad.acc_kib");
  // Weight tile: 16 x 16 bytes > 0.2 KiB (the accumulator still fits).
  EXPECT_EQ(mutate("\"wgt_kib\": 256", "\"wgt_kib\": 0.2"),
            std::string(p) + "'array' is larger than its memories: an 16 x "
                             "16 weight tile does not fit scratchpad.wgt_kib");
  // A fraction of a KiB that holds less than one activation column.
  EXPECT_EQ(mutate("\"act_kib\": 256", "\"act_kib\": 0.01"),
            std::string(p) + "'array' is larger than its memories: an 16-row "
                             "activation column does not fit "
                             "scratchpad.act_kib");
  // 16 int32 lanes need 64 bytes of vec.
  EXPECT_EQ(mutate("\"vec_kib\": 64", "\"vec_kib\": 0.05"),
            std::string(p) + "'vector' is larger than its memories: 16 int32 "
                             "lanes (4 bytes each) do not fit "
                             "scratchpad.vec_kib");
}

// fuzz-preset crash-78d35047: an integer field above the range of its C++
// type (here 3.2e18 bf16 lanes for a 32-bit count) was converted from double
// to unsigned, which is undefined behaviour (UBSan float-cast-overflow).
TEST(Preset, IntegersBeyondTheFieldTypeAreRefused) {
  EXPECT_EQ(mutate("\"bf16_lanes\": 16", "\"bf16_lanes\": 3210780000000000000"),
            "preset 'tern-edge': field 'vector.bf16_lanes' is too large (at "
            "most 4294967295)");
  EXPECT_EQ(mutate("\"cores\": 1", "\"cores\": 4294967296"),
            "preset 'tern-edge': field 'cores' is too large (at most "
            "4294967295)");
  // The largest value of the type still converts exactly.
  EXPECT_NE(mutate("\"cores\": 1", "\"cores\": 4294967295"),
            "preset 'tern-edge': field 'cores' is too large (at most "
            "4294967295)");
}
