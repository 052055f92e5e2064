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

// The ReRAM tier: zero and absurd geometry, converters and energies are
// refused with the field named.
TEST(Preset, ReramTierValuesAreChecked) {
  const char *p = "preset 'atleus-3d': field ";
  auto m = [](const std::string &from, const std::string &to) {
    return mutate(from, to, "atleus-3d");
  };
  EXPECT_EQ(m("\"tiles_per_core\": 16", "\"tiles_per_core\": 0"),
            std::string(p) + "'reram.tiles_per_core' must be > 0");
  EXPECT_EQ(m("\"bits_per_cell\": 2", "\"bits_per_cell\": 0"),
            std::string(p) + "'reram.bits_per_cell' must be > 0");
  EXPECT_EQ(m("\"pj_per_mvm\": 150.0", "\"pj_per_mvm\": 0"),
            std::string(p) + "'reram.pj_per_mvm' must be > 0");
  EXPECT_EQ(m("\"pj_write_per_cell\": 2000.0", "\"pj_write_per_cell\": -1"),
            std::string(p) + "'reram.pj_write_per_cell' must be > 0");
  EXPECT_EQ(m("\"adcs_per_crossbar\": 8", "\"adcs_per_crossbar\": 0"),
            std::string(p) + "'reram.adcs_per_crossbar' must be > 0");
  EXPECT_EQ(m("\"crossbar_rows\": 128", "\"crossbar_rows\": 8192"),
            std::string(p) + "'reram.crossbar_rows' must be <= 4096");
  EXPECT_EQ(m("\"crossbar_cols\": 128", "\"crossbar_cols\": 5000"),
            std::string(p) + "'reram.crossbar_cols' must be <= 4096");
  EXPECT_EQ(m("\"bits_per_cell\": 2", "\"bits_per_cell\": 9"),
            std::string(p) +
                "'reram.bits_per_cell' must be <= 8 (weights have at most 8 "
                "bits)");
  EXPECT_EQ(m("\"dac_bits\": 1", "\"dac_bits\": 16"),
            std::string(p) +
                "'reram.dac_bits' must be <= 8 (inputs have at most 8 bits)");
  EXPECT_EQ(m("\"adc_bits\": 8", "\"adc_bits\": 64"),
            std::string(p) + "'reram.adc_bits' must be <= 16");
  EXPECT_EQ(m("\"crossbar_cols\": 128", "\"crossbar_cols\": 2"),
            std::string(p) + "'reram.crossbar_cols' must hold one 8-bit "
                             "weight: at least 4 cells of 2 bits");
  EXPECT_EQ(m("\"adcs_per_crossbar\": 8", "\"adcs_per_crossbar\": 129"),
            std::string(p) + "'reram.adcs_per_crossbar' must be <= "
                             "crossbar_cols (one ADC per column at most)");
  EXPECT_EQ(
      m("\"crossbars_per_tile\": 96", "\"crossbars_per_tile\": 4294967295"),
      std::string(p) +
          "'reram.crossbars_per_tile' gives more than 2^32 crossbars "
          "per core");
  // adcs_per_crossbar is optional (1, as in ISAAC).
  auto base = loadPreset("atleus-3d");
  ASSERT_TRUE(!!base);
  std::string text = base->second;
  const std::string field = "\"adcs_per_crossbar\": 8,";
  size_t at = text.find(field);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, field.size());
  auto parsed = parsePreset(text, "test");
  ASSERT_TRUE(!!parsed) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->reram->adcsPerCrossbar, 1u);
  EXPECT_EQ(base->first.reram->adcsPerCrossbar, 8u);
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
