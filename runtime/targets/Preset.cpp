//===- Preset.cpp - Target preset parsing and validation --------------------===//
//
// llvm::json gives the parse (with line/column on syntax errors); the schema
// below is explicit so that unknown fields, wrong types and impossible values
// are refused with the field's dotted path, e.g.
//   preset 'x': field 'dram.bandwidth_gbps' must be > 0
//
//===----------------------------------------------------------------------===//

#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <limits>

using namespace llvm;

namespace tern::rt::targets {

namespace {

struct BuiltinPreset {
  const char *name;
  const char *json;
};
const BuiltinPreset kBuiltins[] = {
#include "runtime/targets/Presets.inc"
};

/// Reads one JSON object against an explicit list of fields.
class Reader {
public:
  Reader(StringRef origin) : origin(origin.str()) {}

  Error fail(const Twine &path, const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             "preset '" + origin + "': field '" + path + "' " +
                                 msg);
  }

  Error checkKeys(const json::Object &o, const Twine &prefix,
                  ArrayRef<const char *> allowed) {
    StringSet<> ok;
    for (const char *a : allowed)
      ok.insert(a);
    for (const auto &kv : o)
      if (!ok.contains(kv.first.str()))
        return fail(join(prefix, kv.first.str()), "is not a known field");
    return Error::success();
  }

  static std::string join(const Twine &prefix, StringRef key) {
    std::string p = prefix.str();
    return p.empty() ? key.str() : p + "." + key.str();
  }

  Error num(const json::Object &o, const Twine &prefix, StringRef key,
            double &out, bool positive, bool required = true) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (!required)
        return Error::success();
      return fail(join(prefix, key), "is missing");
    }
    std::optional<double> d = v->getAsNumber();
    if (!d)
      return fail(join(prefix, key), "must be a number");
    if (positive ? !(*d > 0) : !(*d >= 0))
      return fail(join(prefix, key),
                  positive ? "must be > 0" : "must be >= 0");
    out = *d;
    return Error::success();
  }

  template <typename T>
  Error integer(const json::Object &o, const Twine &prefix, StringRef key,
                T &out, bool positive, bool required = true) {
    double d = static_cast<double>(out);
    const json::Value *v = o.get(key);
    if (v && !v->getAsInteger())
      return fail(join(prefix, key), "must be an integer");
    if (Error e = num(o, prefix, key, d, positive, required))
      return e;
    // num() checked d >= 0; converting a double at or above 2^digits to T
    // is undefined behaviour, so such values are refused here.
    if (!(d < std::ldexp(1.0, std::numeric_limits<T>::digits)))
      return fail(join(prefix, key),
                  "is too large (at most " +
                      Twine(uint64_t(std::numeric_limits<T>::max())) + ")");
    out = static_cast<T>(d);
    return Error::success();
  }

  Error str(const json::Object &o, const Twine &prefix, StringRef key,
            std::string &out, ArrayRef<const char *> choices = {}) {
    const json::Value *v = o.get(key);
    if (!v)
      return fail(join(prefix, key), "is missing");
    std::optional<StringRef> s = v->getAsString();
    if (!s)
      return fail(join(prefix, key), "must be a string");
    if (!choices.empty()) {
      bool found = false;
      std::string list;
      for (const char *c : choices) {
        found |= *s == c;
        list += (list.empty() ? "" : ", ") + std::string(c);
      }
      if (!found)
        return fail(join(prefix, key),
                    "= '" + *s + "' is not one of: " + list);
    }
    out = s->str();
    return Error::success();
  }

  Expected<const json::Object *> obj(const json::Object &o, StringRef key,
                                     bool required = true) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (!required)
        return nullptr;
      return fail(key, "is missing");
    }
    const json::Object *r = v->getAsObject();
    if (!r)
      return fail(key, "must be an object");
    return r;
  }

  std::string origin;
};

#define TRY(x)                                                                 \
  if (Error e = (x))                                                           \
    return std::move(e);
#define TRY_OBJ(var, expr)                                                     \
  Expected<const json::Object *> var##OrErr = (expr);                          \
  if (!var##OrErr)                                                             \
    return var##OrErr.takeError();                                             \
  const json::Object *var = *var##OrErr;

} // namespace

Expected<Preset> parsePreset(StringRef text, StringRef origin) {
  Expected<json::Value> root = json::parse(text);
  if (!root)
    return createStringError(inconvertibleErrorCode(),
                             "preset '%s': invalid JSON: %s",
                             origin.str().c_str(),
                             toString(root.takeError()).c_str());
  const json::Object *o = root->getAsObject();
  if (!o)
    return createStringError(inconvertibleErrorCode(),
                             "preset '%s': top level must be an object",
                             origin.str().c_str());
  Reader r(origin);
  Preset p;
  TRY(r.checkKeys(*o, "",
                  {"name", "description", "sources", "cores", "array",
                   "operand_bits", "pack_narrow", "accumulator", "requant", "vector",
                   "clock_mhz", "scratchpad", "dram", "noc", "energy_pj",
                   "static_power_mw", "reram"}));
  TRY(r.str(*o, "", "name", p.name));
  r.origin = p.name;
  TRY(r.str(*o, "", "description", p.description));
  TRY(r.integer(*o, "", "cores", p.cores, true));

  TRY_OBJ(arr, r.obj(*o, "array"));
  TRY(r.checkKeys(*arr, "array", {"rows", "cols", "dataflow"}));
  TRY(r.integer(*arr, "array", "rows", p.arrayRows, true));
  TRY(r.integer(*arr, "array", "cols", p.arrayCols, true));
  TRY(r.str(*arr, "array", "dataflow", p.dataflow,
            {"output-stationary", "weight-stationary", "broadcast",
             "row-wise", "sequential"}));

  const json::Array *bits = o->getArray("operand_bits");
  if (!bits || bits->empty())
    return r.fail("operand_bits", "must be a non-empty array of 8, 6, 4");
  for (const json::Value &b : *bits) {
    std::optional<int64_t> v = b.getAsInteger();
    if (!v || (*v != 8 && *v != 6 && *v != 4))
      return r.fail("operand_bits", "entries must be 8, 6 or 4");
    p.operandBits.push_back(static_cast<unsigned>(*v));
  }
  if (const json::Value *pn = o->get("pack_narrow")) {
    if (!pn->getAsBoolean())
      return r.fail("pack_narrow", "must be a boolean");
    p.packNarrow = *pn->getAsBoolean();
  }
  TRY(r.str(*o, "", "accumulator", p.accumulator, {"int32", "int16"}));
  // Optional: older preset files name no variant; TATAA's int16 partial
  // sums imply its own, int32 accumulators I-BERT's.
  if (o->get("requant")) {
    TRY(r.str(*o, "", "requant", p.requant,
              {"ibert", "swifttron", "tataa", "elastic"}));
  } else {
    p.requant = p.accumulator == "int16" ? "tataa" : "ibert";
  }
  if ((p.requant == "tataa") != (p.accumulator == "int16"))
    return r.fail("requant", "'" + p.requant + "' does not match accumulator '" +
                                 p.accumulator +
                                 "': the tataa variant reads int16 partial "
                                 "sums, the others int32");

  TRY_OBJ(vec, r.obj(*o, "vector"));
  TRY(r.checkKeys(*vec, "vector",
                  {"bf16_lanes", "int32_lanes", "bf16_mode", "const_regs",
                   "fp_latency"}));
  TRY(r.integer(*vec, "vector", "bf16_lanes", p.bf16Lanes, false));
  TRY(r.integer(*vec, "vector", "int32_lanes", p.int32Lanes, true));
  std::string mode;
  TRY(r.str(*vec, "vector", "bf16_mode", mode, {"tataa", "ieee"}));
  p.bf16Mode = mode == "tataa" ? kernels::BfMode::Tataa : kernels::BfMode::Ieee;
  TRY(r.integer(*vec, "vector", "const_regs", p.constRegs, true));
  if (p.constRegs > 8)
    return r.fail("vector.const_regs", "must be <= 8 (the ISA has 8)");
  TRY(r.integer(*vec, "vector", "fp_latency", p.fpLatency, true));

  TRY(r.num(*o, "", "clock_mhz", p.clockMHz, true));

  TRY_OBJ(sp, r.obj(*o, "scratchpad"));
  TRY(r.checkKeys(*sp, "scratchpad",
                  {"act_kib", "wgt_kib", "acc_kib", "vec_kib", "banks"}));
  struct {
    const char *key;
    uint64_t *bytes;
  } spads[] = {{"act_kib", &p.actBytes},
               {"wgt_kib", &p.wgtBytes},
               {"acc_kib", &p.accBytes},
               {"vec_kib", &p.vecBytes}};
  for (auto &s : spads) {
    double kib = 0;
    TRY(r.num(*sp, "scratchpad", s.key, kib, true));
    if (kib > 1024)
      return r.fail(Twine("scratchpad.") + s.key,
                    "exceeds the ISA's 20-bit scratchpad address range "
                    "(1024 KiB)");
    *s.bytes = static_cast<uint64_t>(kib * 1024);
  }
  TRY(r.integer(*sp, "scratchpad", "banks", p.banks, true));

  TRY_OBJ(dram, r.obj(*o, "dram"));
  TRY(r.checkKeys(*dram, "dram", {"bandwidth_gbps", "latency_ns"}));
  TRY(r.num(*dram, "dram", "bandwidth_gbps", p.dramGBps, true));
  TRY(r.num(*dram, "dram", "latency_ns", p.dramLatencyNs, false));

  TRY_OBJ(noc, r.obj(*o, "noc", /*required=*/false));
  if (noc) {
    TRY(r.checkKeys(*noc, "noc", {"hop_latency_cycles", "link_gbps"}));
    TRY(r.num(*noc, "noc", "hop_latency_cycles", p.nocHopCycles, false));
    TRY(r.num(*noc, "noc", "link_gbps", p.nocLinkGBps, true));
  } else if (p.cores > 1) {
    return r.fail("noc", "is required when cores > 1");
  }

  TRY_OBJ(en, r.obj(*o, "energy_pj"));
  TRY(r.checkKeys(*en, "energy_pj",
                  {"mac", "lane_op", "sram_byte", "dram_byte"}));
  TRY(r.num(*en, "energy_pj", "mac", p.pjMac, true));
  TRY(r.num(*en, "energy_pj", "lane_op", p.pjLaneOp, true));
  TRY(r.num(*en, "energy_pj", "sram_byte", p.pjSramByte, true));
  TRY(r.num(*en, "energy_pj", "dram_byte", p.pjDramByte, true));
  TRY(r.num(*o, "", "static_power_mw", p.staticPowerMw, false));

  TRY_OBJ(rr, r.obj(*o, "reram", /*required=*/false));
  if (rr) {
    ReramTier t;
    TRY(r.checkKeys(*rr, "reram",
                    {"tiles_per_core", "crossbars_per_tile", "crossbar_rows",
                     "crossbar_cols", "bits_per_cell", "adc_bits", "dac_bits",
                     "adcs_per_crossbar", "pj_per_mvm", "pj_write_per_cell"}));
    TRY(r.integer(*rr, "reram", "tiles_per_core", t.tilesPerCore, true));
    TRY(r.integer(*rr, "reram", "crossbars_per_tile", t.crossbarsPerTile, true));
    TRY(r.integer(*rr, "reram", "crossbar_rows", t.crossbarRows, true));
    TRY(r.integer(*rr, "reram", "crossbar_cols", t.crossbarCols, true));
    TRY(r.integer(*rr, "reram", "bits_per_cell", t.bitsPerCell, true));
    TRY(r.integer(*rr, "reram", "adc_bits", t.adcBits, true));
    TRY(r.integer(*rr, "reram", "dac_bits", t.dacBits, true));
    TRY(r.integer(*rr, "reram", "adcs_per_crossbar", t.adcsPerCrossbar, true,
                  /*required=*/false));
    TRY(r.num(*rr, "reram", "pj_per_mvm", t.pjPerMvm, true));
    TRY(r.num(*rr, "reram", "pj_write_per_cell", t.pjWritePerCell, true));
    // Absurd values: the ISA's 12-bit k and n fields bound a block, weights
    // and inputs are at most 8 bits, and ADCs beyond 16 bits do not exist.
    if (t.crossbarRows > 4096)
      return r.fail("reram.crossbar_rows", "must be <= 4096");
    if (t.crossbarCols > 4096)
      return r.fail("reram.crossbar_cols", "must be <= 4096");
    if (t.bitsPerCell > 8)
      return r.fail("reram.bits_per_cell",
                    "must be <= 8 (weights have at most 8 bits)");
    if (t.dacBits > 8)
      return r.fail("reram.dac_bits",
                    "must be <= 8 (inputs have at most 8 bits)");
    if (t.adcBits > 16)
      return r.fail("reram.adc_bits", "must be <= 16");
    if (t.crossbarCols < t.cellsPerWeight(8))
      return r.fail("reram.crossbar_cols",
                    "must hold one 8-bit weight: at least " +
                        Twine(t.cellsPerWeight(8)) + " cells of " +
                        Twine(t.bitsPerCell) + " bits");
    if (t.adcsPerCrossbar > t.crossbarCols)
      return r.fail("reram.adcs_per_crossbar",
                    "must be <= crossbar_cols (one ADC per column at most)");
    if (uint64_t(t.tilesPerCore) * t.crossbarsPerTile > (uint64_t(1) << 32))
      return r.fail("reram.crossbars_per_tile",
                    "gives more than 2^32 crossbars per core");
    p.reram = t;
  }

  TRY_OBJ(src, r.obj(*o, "sources"));
  for (const auto &kv : *src) {
    std::optional<StringRef> s = kv.second.getAsString();
    if (!s)
      return r.fail("sources." + kv.first.str(), "must be a string");
    if (!s->starts_with("[code]") && !s->starts_with("[text]") &&
        !s->starts_with("[abs]") && !s->starts_with("[inf]"))
      return r.fail("sources." + kv.first.str(),
                    "must start with a source tag [code], [text], [abs] or "
                    "[inf]");
    p.sources[kv.first.str()] = s->str();
  }

  // Cross-field sanity: one array tile must fit the memories that feed it.
  uint64_t accElt = p.accumulator == "int16" ? 2 : 4;
  uint64_t tile = uint64_t(p.arrayRows) * p.arrayCols;
  if (tile * accElt > p.accBytes)
    return r.fail("array",
                  "is larger than its memories: an " + Twine(p.arrayRows) +
                      " x " + Twine(p.arrayCols) +
                      " accumulator tile does not fit scratchpad.acc_kib");
  if (tile > p.wgtBytes)
    return r.fail("array", "is larger than its memories: an " +
                               Twine(p.arrayRows) + " x " +
                               Twine(p.arrayCols) +
                               " weight tile does not fit scratchpad.wgt_kib");
  if (p.arrayRows > p.actBytes)
    return r.fail("array", "is larger than its memories: an " +
                               Twine(p.arrayRows) +
                               "-row activation column does not fit "
                               "scratchpad.act_kib");
  // The vector unit reads one row of int32 lanes at a time from vec.
  if (uint64_t(p.int32Lanes) * 4 > p.vecBytes)
    return r.fail("vector",
                  "is larger than its memories: " + Twine(p.int32Lanes) +
                      " int32 lanes (4 bytes each) do not fit "
                      "scratchpad.vec_kib");
  return p;
}

std::vector<std::string> builtinPresetNames() {
  std::vector<std::string> v;
  for (const BuiltinPreset &b : kBuiltins)
    v.push_back(b.name);
  return v;
}

Expected<std::pair<Preset, std::string>> loadPreset(StringRef nameOrPath) {
  std::string text;
  if (nameOrPath.contains('/') || nameOrPath.ends_with(".json")) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
        MemoryBuffer::getFile(nameOrPath);
    if (!buf)
      return createStringError(buf.getError(), "cannot read preset '%s': %s",
                               nameOrPath.str().c_str(),
                               buf.getError().message().c_str());
    text = (*buf)->getBuffer().str();
  } else {
    for (const BuiltinPreset &b : kBuiltins)
      if (nameOrPath == b.name)
        text = b.json;
    if (text.empty()) {
      std::string names;
      for (const std::string &n : builtinPresetNames())
        names += (names.empty() ? "" : ", ") + n;
      return createStringError(inconvertibleErrorCode(),
                               "unknown target preset '%s' (built in: %s)",
                               nameOrPath.str().c_str(), names.c_str());
    }
  }
  Expected<Preset> p = parsePreset(text, nameOrPath);
  if (!p)
    return p.takeError();
  return std::make_pair(std::move(*p), std::move(text));
}

} // namespace tern::rt::targets
