//===- Passes.td - conversions between Tern's dialects ------*- tablegen -*-===//
//
// Conversion passes, one directory each under lib/Conversion/, lit-tested in
// test/Conversion/<Name>/.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_CONVERSION_PASSES_TD
#define TERN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTernToAccel : Pass<"convert-tern-to-accel", "::mlir::ModuleOp"> {
  let summary = "Lower tensor-level tern ops to tiled accel ops on buffers";
  let description = [{
    A full conversion from tensors to buffers and from `tern` operators to
    tile-level `accel` operations, for operators whose precision is `bf16`.

    Accepts: functions whose body holds `tern` ops with static shapes and
    `#tern.precision<bf16>`, `arith.constant` tensors (dense or
    dense_resource, f32) for weights, and `func.return`. Produces: the same
    functions on DRAM memrefs of `bf16` (arguments, results, a `memref.alloc`
    per intermediate tensor, a `memref.global` per weight, converted to bf16
    with round-to-nearest-even), whose bodies are unrolled tile programs:
    `memref.alloc` in the scratchpad memory spaces, `accel.dma_load`, compute
    ops (`accel.gemm`, `accel.convert`, `accel.vector`, `accel.softmax`,
    `accel.layer_norm`, `accel.gelu`) and `accel.dma_store` over
    `memref.subview` / `memref.collapse_shape` / `memref.reinterpret_cast`
    views of the DRAM buffers.

    Tiling: rows in blocks of `tile-m`, output columns in blocks of `tile-n`
    and the contraction in blocks of `tile-k` (accumulating in the
    accumulator scratchpad), each shrunk so that one tile takes at most a
    quarter of its scratchpad (`act-bytes`, `wgt-bytes`, `acc-bytes`): the
    allocator can then keep the previous tile while the next one loads.
    Row-wise operators (softmax, layer_norm) keep whole rows in one tile.
    Operands and results of the vector unit live in the activation
    scratchpad (some targets, e.g. TATAA, have a vector file of 1 KiB).
    `transpose_rhs` matmuls load each weight tile of the right operand with
    one transposing DMA (`accel.dma_load_transposed` of the operand's
    [n x k] block).

    TOSA ops that raising leaves behind are lowered too: `tosa.const` (like
    `arith.constant`), `tosa.reshape` (a reinterpretation of the same
    contiguous buffer), `tosa.transpose`, `tosa.slice`, `tosa.concat`,
    `tosa.gather` with constant indices and `tern.split_heads` /
    `tern.merge_heads` (strided block copies through the activation
    scratchpad, as tall as the tile budget allows; a copy that moves the
    innermost dimension transposes blocks with `accel.dma_load_transposed`
    when another dimension is contiguous in the source, and gathers element
    by element otherwise), `tosa.add` / `sub` / `mul` / `maximum` / `minimum` with an
    operand of the result's shape, one broadcast row, a splat constant (a vector-unit
    constant register) or another constant that broadcasts to the result
    (expanded at compile time, e.g. a folded BatchNorm's per-channel
    coefficients), `tosa.reduce_sum` (a GEMM against a ones vector: f32
    accumulation, one rounding), `tosa.reduce_max` / `reduce_min` (vector
    unit: `vrmax` along rows, `vmax` across rows, min as -max(-x)),
    `tosa.matmul` of two run-time operands (one GEMM per batch),
    `tosa.clamp` (max, and -max(-y, -hi) for an upper bound), `tosa.negate`
    (x * -1), `tosa.rsqrt` (`bsfu.isqrt`), `tosa.reciprocal` (x * rsqrt(x*x)^2
    and one Newton step; sqrt(x) written as reciprocal(rsqrt(x)) becomes
    x * rsqrt(x)), and
    `tosa.conv2d` (any stride, padding and dilation): a zeroed padded copy
    of the input, im2col copies and a GEMM against the weight reordered at
    compile time (or transposed by a DMA copy when it is a run-time
    input). Transposes and reshapes of constants are
    folded first, so weight layouts cost nothing at run time; a transpose
    whose only use is an element-wise op with a constant operand moves past
    it and consecutive transposes merge (an exported BatchNorm1d's
    `transpose -> x * a + c -> transpose` leaves no copy).

    Masked attention scores add their mask tile after the scaled conversion
    (the mask may broadcast over batch/head dimensions and over rows).

    Quantized (`int` precision, from `tern-quantize`): `tern.linear` and
    `tern.matmul` with `!quant.uniform` int8 operands run integer GEMM tiles
    into an i32 accumulator preloaded with the int32 bias (a broadcast DMA),
    then either `accel.requant` to int8 with the dyadic multiplier of
    `S_x*S_w*scale/S_y` in the `requant` variant's arithmetic, or
    `accel.convert` to bf16 scaled by `S_x*S_w*scale` (masks are added after
    that). `quant.qcast` of a constant becomes an integer global (values
    rounded half to even, clamped); `quant.qcast` / `quant.dcast` of run-time
    tensors become row tiles of `accel.convert` (bf16 -> i8 by 1/S, i8 ->
    bf16 by S). Quantized tensors live in DRAM as their storage type (i8), so
    the layout ops above move int8 data. The TATAA variant (int16 partial
    sums) is refused on quantized ops: its 16-bit accumulator path is not
    lowered yet.

    ReRAM tier (`reram=true`, targets with a crossbar tier such as
    atleus-3d): a quantized `tern.linear` with int8 activations, an i32
    accumulator and constant weights (a constant global, i.e. pretrained)
    multiplies on the crossbars (`accel.xbar_gemm` against a DRAM view of
    the weight block; no weight tile is loaded), in output blocks of
    `reram-tile-n` columns. Products of two run-time tensors (`tern.matmul`:
    Q.K^T, A.V), bf16 ops, bitmap (FFN2-sparse) GEMMs and every row-wise
    op stay on the systolic tier.

    Threshold token pruning (`tern.prune_tokens ... threshold`, a run-time
    kept count L): the ops whose rows, key columns or contraction are the
    kept tokens after a pruning point are tiled per group of N token rows,
    and their accel ops carry `accel.len_rows` / `accel.len_n` /
    `accel.len_k` / `accel.len_cols` / `accel.len_gate` = [point, first
    token, tile count] (the program emitter's lensel / nsel / ksel / csel,
    docs/Lowering.md "Running only the kept tokens"). When a kept-token value
    reaches an op whose handling of the stale rows past L is not known,
    nothing is tagged and every row is computed.

    Exact quantization (`exact-quantize=true`, set by the driver under
    `--precision qdq`): a run-time `quant.qcast` from float to a uniform
    8-bit type (a QDQ model's QuantizeLinear) becomes `accel.quantize`
    (`cvt.f2i`: the f32 value divided by the f32 scale, round half to even,
    zero point, saturation; ONNX's QuantizeLinear bit for bit) instead of
    `accel.convert` by a bf16 `1/S`. A function argument whose every use is
    such a cast stays `f32` in DRAM (the program input keeps the caller's
    f32 values; no bf16 rounding before the quantizer). Under any setting,
    a QDQ `QuantizeLinear -> Clip -> DequantizeLinear` left in the input
    (`--precision bf16`) is folded first into a cast to the Clip's narrower
    storage range (e.g. `i8<-8:7>`), and a cast to such a range (which
    `cvt.b2i` cannot saturate to) is `accel.quantize` too; a Clip form that
    does not execute exactly is an error naming it.

    f32 inputs of the SFU (any setting): a float function argument whose
    every use is a bf16 `tern.softmax` or `tern.log_softmax` with rows that
    fit a tile, or a float `tosa.pow` of the argument's own shape, stays
    `f32` too; the kernels read it as f32 words (`rsfu.softmax af32`,
    `rsfu.pow af32 / bf32`), so a softmax of 10000..10003 or a power of an
    exponent bf16 cannot hold sees the caller's values. `tern.log_softmax`
    is `accel.softmax` with `log` (spilled in column chunks like the
    softmax over rows wider than a tile).

    `tern.to_int` (QuantizeLinear's round(x / scale) with a run-time scale;
    an integer base to a float power, which the pass makes from the
    importer's `cast<int>(pow(cast<float>(x), y))` first) is the SFU's
    division or power written as i32 (accel `to_int`: `rsfu.div` /
    `rsfu.pow` `toint`).

    Integer tensors become i32 buffers and booleans bf16 0 / 1 buffers
    (uint32 / uint64 ones are 32-bit words, ordered and converted as uint32:
    accel `uint`);
    every integer function result records its element type before the
    conversion as `accel.declared_type` (`i1`, `ui8`, `i16`, `i64`, ...),
    from which the program emitter writes the ONNX type into the output
    table where the buffer holds another type, so that `tern run` writes
    the output in the declared type.

    Any other op (another TOSA op, a tern op in another precision, a mask
    that broadcasts over keys) is illegal: the pass fails and names the op and its
    location (the ONNX node).
  }];
  let dependentDialects = ["::tern::accel::AccelDialect",
                           "::tern::TernDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::quant::QuantizationDialect"];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"32",
           "Rows per tile">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"64",
           "Output columns per tile">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"256",
           "Contraction length per GEMM instruction">,
    Option<"actBytes", "act-bytes", "int64_t", /*default=*/"262144",
           "Activation scratchpad size in bytes">,
    Option<"wgtBytes", "wgt-bytes", "int64_t", /*default=*/"262144",
           "Weight scratchpad size in bytes">,
    Option<"accBytes", "acc-bytes", "int64_t", /*default=*/"262144",
           "Accumulator scratchpad size in bytes">,
    Option<"requant", "requant", "std::string", /*default=*/"\"ibert\"",
           "Requantization variant of int8 results: ibert, swifttron, "
           "tataa or elastic">,
    Option<"reram", "reram", "bool", /*default=*/"false",
           "Map int8 linear layers with constant weights to the ReRAM "
           "crossbar tier (accel.xbar_gemm); set by the driver for targets "
           "with a ReRAM tier">,
    Option<"reramTileN", "reram-tile-n", "int64_t", /*default=*/"128",
           "Output columns per crossbar GEMM tile">,
    Option<"truncatingLanes", "truncating-lanes", "bool", /*default=*/"false",
           "The target's bf16 lanes use TATAA's truncating arithmetic (one "
           "bit of renormalization: a difference of nearby values cancels "
           "to 0); set by the driver for such targets. A LayerNorm over "
           "rows wider than a tile, whose spilled form subtracts the mean "
           "on the lanes, is then refused">,
    Option<"exactQuantize", "exact-quantize", "bool", /*default=*/"false",
           "Lower run-time quant.qcast (a QDQ model's QuantizeLinear) to the "
           "exact f32 quantizer accel.quantize (cvt.f2i), and keep function "
           "arguments used only by such casts in f32; set by the driver "
           "under --precision qdq">,
    Option<"releaseConstantData", "release-constant-data", "bool",
           /*default=*/"false",
           "Free the data of the resource blobs (large ONNX initializers) "
           "of the f32 constants it lowers to bf16 globals or folds (a "
           "constant transpose's input, and its result): a linear weight's "
           "as soon as it is lowered, the others after the conversion; and "
           "make the bf16 copies of such blobs blobs too, which the driver "
           "frees once the program holds them. For a compile that does not "
           "reuse the input module; not for a module whose clone is "
           "compiled (the clone shares the blobs), nor when the IR is "
           "printed after each pass">,
  ];
}

#endif // TERN_CONVERSION_PASSES_TD
