//===- Preset.h - Target presets (validated JSON data files) -----*- C++ -*-===//
//
// A preset configures the one parametric accelerator to behave like a
// published design (SEEDS.md). The JSON files under presets/ are embedded
// into the binary at build time; a path to another JSON file also works.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_TARGETS_PRESET_H
#define TERN_RUNTIME_TARGETS_PRESET_H

#include "runtime/sim/functional/kernels/BF16.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tern::rt::targets {

struct ReramTier {
  unsigned tilesPerCore = 0, crossbarsPerTile = 0;
  unsigned crossbarRows = 0, crossbarCols = 0;
  unsigned bitsPerCell = 0, adcBits = 0, dacBits = 0;
  /// ADCs per crossbar: the crossbar's columns share them, so reading one
  /// bit-serial step out takes ceil(cols / adcs) conversions (cycles).
  /// Optional in the JSON (default 1, as in ISAAC).
  unsigned adcsPerCrossbar = 1;
  /// pJ per matrix-vector product of one crossbar (all bit-serial input
  /// steps and ADC reads of one input vector); pJ to program one cell.
  double pjPerMvm = 0, pjWritePerCell = 0;

  /// Cells (each bitsPerCell bits) one weight of \p weightBits takes.
  unsigned cellsPerWeight(unsigned weightBits) const {
    return (weightBits + bitsPerCell - 1) / bitsPerCell;
  }
  uint64_t crossbarsPerCore() const {
    return uint64_t(tilesPerCore) * crossbarsPerTile;
  }
};

struct Preset {
  std::string name, description;
  unsigned cores = 1;
  unsigned arrayRows = 0, arrayCols = 0;
  std::string dataflow;
  std::vector<unsigned> operandBits;
  bool packNarrow = false;
  std::string accumulator; ///< int32 | int16
  /// Requantization variant of int8 results: ibert | swifttron | tataa |
  /// elastic (SEEDS.md). tataa reads int16 partial sums.
  std::string requant = "ibert";
  unsigned bf16Lanes = 0, int32Lanes = 0, constRegs = 8, fpLatency = 1;
  kernels::BfMode bf16Mode = kernels::BfMode::Ieee;
  double clockMHz = 0;
  uint64_t actBytes = 0, wgtBytes = 0, accBytes = 0, vecBytes = 0;
  unsigned banks = 1;
  double dramGBps = 0, dramLatencyNs = 0;
  double nocHopCycles = 0, nocLinkGBps = 0;
  double pjMac = 0, pjLaneOp = 0, pjSramByte = 0, pjDramByte = 0;
  double staticPowerMw = 0;
  std::optional<ReramTier> reram;
  std::map<std::string, std::string> sources;
};

/// Parses and validates; errors name the preset and the field.
llvm::Expected<Preset> parsePreset(llvm::StringRef json,
                                   llvm::StringRef origin);
/// A built-in preset by name (tern-edge, tataa-u280, ...), or a JSON file
/// path (anything containing '/' or ending in .json). Returns the preset and
/// its JSON text (which programs embed).
llvm::Expected<std::pair<Preset, std::string>>
loadPreset(llvm::StringRef nameOrPath);
std::vector<std::string> builtinPresetNames();

} // namespace tern::rt::targets

#endif
