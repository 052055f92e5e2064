//===- FuzzPreset.cpp - libFuzzer target: preset JSON -> Preset -----------===//
//
// Bytes go to targets::parsePreset, the validator every program's embedded
// preset and every `--target file.json` goes through.
//
//===----------------------------------------------------------------------===//

#include "runtime/targets/Preset.h"

#include <cstddef>
#include <cstdint>

using namespace llvm;
using namespace tern::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Expected<targets::Preset> p = targets::parsePreset(
      StringRef(reinterpret_cast<const char *>(data), size), "fuzz.json");
  if (!p)
    consumeError(p.takeError());
  return 0;
}
