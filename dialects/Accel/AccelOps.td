//===- AccelOps.td - accelerator operations -----------------*- tablegen -*-===//
//
// Operations of the `accel` dialect. Memory-space rules are type constraints
// (a buffer's space is part of its memref type); rules across operands
// (tile shapes, element-type pairs) are in lib/Dialect/Accel/IR/AccelOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef ACCEL_OPS_TD
#define ACCEL_OPS_TD

include "Accel/AccelDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// A statically shaped buffer in the given memory space.
class Accel_BufferIn<string space>
    : Type<And<[IsMemRefTypePred, HasStaticShapePred,
                CPred<"::tern::accel::isInSpace($_self, "
                      "::tern::accel::MemorySpace::" # space # ")">]>,
           "static memref in #accel.space<" # space # ">",
           "::mlir::MemRefType">;

def Accel_DramBuffer : Accel_BufferIn<"dram">;
def Accel_ActBuffer : Accel_BufferIn<"act">;
def Accel_WgtBuffer : Accel_BufferIn<"wgt">;
def Accel_AccBuffer : Accel_BufferIn<"acc">;
def Accel_VecBuffer : Accel_BufferIn<"vec">;
def Accel_ScratchpadBuffer
    : Type<And<[IsMemRefTypePred, HasStaticShapePred,
                CPred<"::tern::accel::isInScratchpad($_self)">]>,
           "static memref in a scratchpad (act, wgt, acc or vec)",
           "::mlir::MemRefType">;

//===----------------------------------------------------------------------===//
// DMA
//===----------------------------------------------------------------------===//

def Accel_DmaLoadOp : Accel_Op<"dma_load", [
    MemoryEffects<[MemRead, MemWrite]>, AllShapesMatch<["source", "target"]>,
    AllElementTypesMatch<["source", "target"]>]> {
  let summary = "copy a tile from DRAM into a scratchpad";
  let description = [{
    Strided copy of a whole `source` tile in DRAM into `target` in one of the
    scratchpads (the DMA family of the ISA). Shapes and element types of the
    two buffers are equal. Tiles have rank 1 or 2. The scratchpad tile is
    contiguous; the DRAM side may be any view with static strides whose rows
    are contiguous (a sub-tile of a larger tensor, from `memref.subview`), or
    a rank-1 view with any stride (each element is one DMA row: a column
    gathered into a row).

    Example:

    ```mlir
    accel.dma_load %w, %wbuf
        : memref<64x64xi8>, memref<64x64xi8, #accel.space<wgt>>
    ```
  }];
  let arguments = (ins Arg<Accel_DramBuffer, "", [MemRead]>:$source,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$target);
  let assemblyFormat = [{
    $source `,` $target attr-dict `:` type($source) `,` type($target)
  }];
  let hasVerifier = 1;
}

def Accel_DmaLoadTransposedOp : Accel_Op<"dma_load_transposed", [
    MemoryEffects<[MemRead, MemWrite]>,
    AllElementTypesMatch<["source", "target"]>]> {
  let summary = "copy a DRAM block into a scratchpad tile, transposed";
  let description = [{
    `target[c, r] = source[r, c]`: the DMA engine's transposing load (the
    ISA's `load.t`). `source` is a rank-2 DRAM view with static strides whose
    rows are contiguous; `target` is a contiguous rank-2 scratchpad tile of
    the transposed shape. Elements are 8, 16 or 32 bits wide. The lowering
    uses it for the K^T operand of attention scores (`tern.matmul` with
    `transpose_rhs`) and for copies that move the innermost dimension
    (a layout change such as NCHW -> NHWC), which would otherwise take one
    DMA per element.

    Example:

    ```mlir
    accel.dma_load_transposed %k, %kt
        : memref<16x64xbf16, strided<[64, 1], offset: 128>>, memref<64x16xbf16, #accel.space<wgt>>
    ```
  }];
  let arguments = (ins Arg<Accel_DramBuffer, "", [MemRead]>:$source,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$target);
  let assemblyFormat = [{
    $source `,` $target attr-dict `:` type($source) `,` type($target)
  }];
  let hasVerifier = 1;
}

def Accel_DmaBroadcastOp : Accel_Op<"dma_broadcast", [
    MemoryEffects<[MemRead, MemWrite]>,
    AllElementTypesMatch<["source", "target"]>]> {
  let summary = "copy one DRAM row into every row of a scratchpad tile";
  let description = [{
    `target[r, c] = source[c]` for every row `r`: a DMA whose DRAM row stride
    is 0. Used to broadcast a bias or LayerNorm parameter over a tile of
    tokens.

    Example:

    ```mlir
    accel.dma_broadcast %bias, %tile
        : memref<64xbf16, strided<[1], offset: 64>>, memref<32x64xbf16, #accel.space<vec>>
    ```
  }];
  let arguments = (ins Arg<Accel_DramBuffer, "", [MemRead]>:$source,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$target);
  let assemblyFormat = [{
    $source `,` $target attr-dict `:` type($source) `,` type($target)
  }];
  let hasVerifier = 1;
}

def Accel_DmaGatherOp : Accel_Op<"dma_gather", [
    MemoryEffects<[MemRead, MemWrite]>,
    AllElementTypesMatch<["table", "target"]>]> {
  let summary = "copy DRAM table rows picked by run-time indices into a tile";
  let description = [{
    `target[i, c] = table[indices[i], c]`: the embedding lookup of token ids
    (the ISA's `load.gather`, on the load queue). `table` is a contiguous
    rank-2 DRAM buffer of `n` rows; `indices` holds one int32 row index per
    target row in the vec scratchpad. A negative index counts from the end
    (`indices[i] + n`, ONNX Gather's rule); one outside `[-n, n)` is a
    run-time error of the simulator that names the instruction.

    Example:

    ```mlir
    accel.dma_gather %table[%ids], %tile
        : memref<100x64xbf16>, memref<16xi32, #accel.space<vec>>, memref<16x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_DramBuffer, "", [MemRead]>:$table,
                       Arg<Accel_VecBuffer, "", [MemRead]>:$indices,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$target);
  let assemblyFormat = [{
    $table `[` $indices `]` `,` $target attr-dict `:` type($table) `,`
    type($indices) `,` type($target)
  }];
  let hasVerifier = 1;
}

def Accel_DmaStoreOp : Accel_Op<"dma_store", [
    MemoryEffects<[MemRead, MemWrite]>, AllShapesMatch<["source", "target"]>,
    AllElementTypesMatch<["source", "target"]>]> {
  let summary = "copy a tile from a scratchpad to DRAM";
  let description = [{
    The inverse of `accel.dma_load`.

    Example:

    ```mlir
    accel.dma_store %obuf, %out
        : memref<32x64xi8, #accel.space<act>>, memref<32x64xi8>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$source,
                       Arg<Accel_DramBuffer, "", [MemWrite]>:$target);
  let assemblyFormat = [{
    $source `,` $target attr-dict `:` type($source) `,` type($target)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix unit
//===----------------------------------------------------------------------===//

def Accel_GemmOp : Accel_Op<"gemm"> {
  let summary = "one matrix-unit tile: acc (+)= lhs x rhs";
  let description = [{
    `acc[M, N] = (accumulate ? acc : 0) + lhs[M, K] x rhs[K, N]`, one GEMM-tile
    instruction. Operands come from the activation (`lhs`) and weight (`rhs`)
    scratchpads; the accumulator lives in the accumulator scratchpad.

    Integer mode: `lhs` and `rhs` are signless integers of 8, 6 or 4 bits and
    `acc` is `i32` (or `i16` for TATAA's 16-bit partial-sum lanes). bf16 mode:
    `lhs` and `rhs` are `bf16` and `acc` is `f32`.

    Integer mode may take a K-row `bitmap` (`i8` bytes in the vector
    scratchpad, bit `k % 8` of byte `k / 8` for row `k` of `rhs`, as
    `accel.nonzero_map` writes it): rows whose bit is 0 are neither read nor
    multiplied. With a map of the `lhs` tile's non-zero columns the result
    equals the dense product (FFN2 dynamic sparsity, `tern-ffn2-sparsity`).

    Example:

    ```mlir
    accel.gemm %a, %b, %c accumulate
        : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>,
          memref<32x32xi32, #accel.space<acc>>
    accel.gemm %a, %b, %c bitmap %map : memref<8xi8, #accel.space<vec>>
        : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>,
          memref<32x32xi32, #accel.space<acc>>
    ```
  }];
  let arguments = (ins Arg<Accel_ActBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_WgtBuffer, "", [MemRead]>:$rhs,
                       Arg<Accel_AccBuffer, "", [MemRead, MemWrite]>:$acc,
                       UnitAttr:$accumulate,
                       Arg<Optional<Accel_VecBuffer>, "", [MemRead]>:$bitmap);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc (`accumulate` $accumulate^)?
    (`bitmap` $bitmap^ `:` type($bitmap))? attr-dict `:`
    type($lhs) `,` type($rhs) `,` type($acc)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   "::mlir::Value":$acc, "bool":$accumulate), [{
      build($_builder, $_state, lhs, rhs, acc, accumulate, ::mlir::Value());
    }]>,
  ];
  let hasVerifier = 1;
}

def Accel_XbarGemmOp : Accel_Op<"xbar_gemm"> {
  let summary = "ReRAM crossbar tile: acc (+)= lhs x constant weights, in situ";
  let description = [{
    `acc[M, N] = (accumulate ? acc : 0) + lhs[M, K] x weights[K, N]` on the
    ReRAM crossbar tier of a target that has one (atleus-3d): the weights
    stay in the crossbars, programmed once per program load, and each row of
    `lhs` is one bit-serial matrix-vector product. `lhs` is an int8 tile in
    the activation scratchpad, `weights` a view of a constant (pretrained)
    DRAM global of i8 / i6 / i4 values, `acc` an i32 accumulator tile.
    The result equals `accel.gemm` on the same operands (the crossbars
    compute the exact integer product; ADC clipping is not modelled).

    Emission gives every distinct weight block one crossbar block id: one
    `xbar.prog` before its first use, then `xbar.gemm` per use.

    Example:

    ```mlir
    %w = memref.get_global @weights : memref<64x32xi8>
    accel.xbar_gemm %a, %w, %c accumulate
        : memref<16x64xi8, #accel.space<act>>, memref<64x32xi8>,
          memref<16x32xi32, #accel.space<acc>>
    ```
  }];
  let arguments = (ins Arg<Accel_ActBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_DramBuffer, "", [MemRead]>:$weights,
                       Arg<Accel_AccBuffer, "", [MemRead, MemWrite]>:$acc,
                       UnitAttr:$accumulate);
  let assemblyFormat = [{
    $lhs `,` $weights `,` $acc (`accumulate` $accumulate^)? attr-dict `:`
    type($lhs) `,` type($weights) `,` type($acc)
  }];
  let hasVerifier = 1;
}

def Accel_NonZeroMapOp : Accel_Op<"nonzero_map"> {
  let summary = "bitmap of the non-zero columns of an int8 tile (vector unit)";
  let description = [{
    `map` bit `c % 8` of byte `c / 8` is 1 when some row `r` of `input` has
    `|input[r, c]| > threshold`, else 0 (bits past the last column are 0):
    the ISA's `vnzmap`. The map feeds the `bitmap` operand of an integer
    `accel.gemm` whose `lhs` is `input`, so that the rows of the weight tile
    that only meet zeros are skipped (SEEDS.md section 2: FFN2 dynamic
    pruning). A threshold of 0 keeps the product exact; a positive
    threshold also skips channels whose values in the tile are all within
    `[-threshold, threshold]` (an approximation).

    Example:

    ```mlir
    accel.nonzero_map %h, %map threshold 0
        : memref<16x64xi8, #accel.space<act>>, memref<8xi8, #accel.space<vec>>
    ```
  }];
  let arguments = (ins Arg<Accel_ActBuffer, "", [MemRead]>:$input,
                       Arg<Accel_VecBuffer, "", [MemWrite]>:$map,
                       ConfinedAttr<I32Attr, [IntNonNegative,
                                              IntMaxValue<127>]>:$threshold);
  let assemblyFormat = [{
    $input `,` $map `threshold` $threshold attr-dict `:` type($input) `,`
    type($map)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Vector unit and special-function unit
//===----------------------------------------------------------------------===//

// Element types the vector unit computes on.
def Accel_VectorElement : AnyTypeOf<[BF16, I32]>;

def Accel_VectorOp : Accel_Op<"vector", [
    AllShapesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "element-wise binary operation of the vector unit";
  let description = [{
    `result = lhs <kind> rhs` element by element on scratchpad tiles of
    `bf16` (rounded per the target's bf16 mode) or `i32` (wrapping).
    `pow` (the SFU's `rsfu.pow`) is exact on `i32`. The comparisons (`eq`,
    `ne`, `gt`, `ge`, `lt`, `le`: `vcmp`) write a boolean, a `bf16` 1 or 0,
    whatever the operands' type; every other kind writes the operands' type.
    The kinds `div` (`lhs / rhs`) and `rdiv` (`rhs / lhs`) are not the vector
    unit's but the SFU's division (`rsfu.div`, `rev` for `rdiv`): correctly
    rounded on `bf16`, truncated toward zero on `i32` (ONNX's integer Div);
    they read their operands the same ways, here and in `vector_const` and
    `vector_column`.

    `to_int` (`pow`, `div`, `rdiv` on `bf16` operands only) writes the SFU's
    f32 result as an `i32` tile without rounding it to `bf16`: `trunc`
    toward zero, `rne` to nearest even (saturated outside int32, NaN is 0).
    A `pow` with `to_int` may take an `i32` base (`lhs`) with a `bf16`
    exponent: ONNX Pow of an integer tensor and a float one. `div` with
    `rne` is QuantizeLinear's `round(x / scale)`. A `pow` without `to_int`
    may read `f32` operands (either or both; `rsfu.pow` `af32` / `bf32`)
    into a `bf16` result: program inputs kept in f32 for the SFU
    (docs/Lowering.md, "f32 inputs of the SFU"). Otherwise `lhs` and `rhs`
    have one element type.

    `uint` orders `i32` elements as uint32 (`max` and the comparisons:
    `vmax uns`, `vcmp uns`): ONNX uint32 and uint64 tensors are held as
    32-bit words.

    Example:

    ```mlir
    accel.vector <add> %a, %b, %d : memref<32x64xbf16, #accel.space<act>>,
        memref<32x64xbf16, #accel.space<vec>>, memref<32x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Accel_VectorKindAttr:$kind,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$rhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       OptionalAttr<Accel_ToIntAttr>:$to_int,
                       UnitAttr:$uint);
  let builders = [
    OpBuilder<(ins "VectorKind":$kind, "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   "::mlir::Value":$result), [{
      build($_builder, $_state, kind, lhs, rhs, result, ToIntAttr(),
            /*uint=*/false);
    }]>
  ];
  let assemblyFormat = [{
    $kind $lhs `,` $rhs `,` $result attr-dict `:` type($lhs) `,` type($rhs)
    `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_VectorConstOp : Accel_Op<"vector_const", [
    AllShapesMatch<["input", "result"]>]> {
  let summary = "element-wise operation with a broadcast bf16 constant";
  let description = [{
    `result = input <kind> value` with `value` held in one of the vector
    unit's bf16 constant registers (the emitter assigns the register). The
    result of a comparison is a `bf16` boolean (1 / 0), and `to_int` reads
    as for `accel.vector` (the input is `bf16`, or `i32` for a `pow` with
    `to_int`: an integer base raised to a constant exponent, or `f32` for a
    `pow` without `to_int`: a program input kept in f32).

    Example:

    ```mlir
    accel.vector_const <mul> %a, %d 1.250000e-01
        : memref<32x64xbf16, #accel.space<act>>, memref<32x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Accel_VectorKindAttr:$kind,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       F32Attr:$value,
                       OptionalAttr<Accel_ToIntAttr>:$to_int);
  let builders = [
    OpBuilder<(ins "VectorKind":$kind, "::mlir::Value":$input, "::mlir::Value":$result,
                   "::llvm::APFloat":$value), [{
      build($_builder, $_state, kind, input, result, value, ToIntAttr());
    }]>
  ];
  let assemblyFormat = [{
    $kind $input `,` $result $value attr-dict `:` type($input) `,`
    type($result)
  }];
  let hasVerifier = 1;
}

def Accel_VectorColumnOp : Accel_Op<"vector_column", [
    AllShapesMatch<["lhs", "result"]>]> {
  let summary = "element-wise operation with one value per row";
  let description = [{
    `result[r, c] = lhs[r, c] <kind> rhs[r, 0]`: the vector unit's column
    broadcast (`bmode=col` of vadd / vsub / vmul / vmax / rsfu.pow / vcmp),
    e.g. subtracting a per-token mean or scaling each row by the reciprocal
    of its sum. `lhs` and `result` are `rows x cols` tiles, `rhs` a
    `rows x 1` tile, all `bf16` or all `i32` (a comparison's result: `bf16`;
    a `pow` may read `f32` operands as in `accel.vector`).

    Example:

    ```mlir
    accel.vector_column <sub> %x, %mean, %d : memref<32x64xbf16, #accel.space<act>>,
        memref<32x1xbf16, #accel.space<act>>, memref<32x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Accel_VectorKindAttr:$kind,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$rhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       OptionalAttr<Accel_ToIntAttr>:$to_int,
                       UnitAttr:$uint);
  let builders = [
    OpBuilder<(ins "VectorKind":$kind, "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   "::mlir::Value":$result), [{
      build($_builder, $_state, kind, lhs, rhs, result, ToIntAttr(),
            /*uint=*/false);
    }]>
  ];
  let assemblyFormat = [{
    $kind $lhs `,` $rhs `,` $result attr-dict `:` type($lhs) `,` type($rhs)
    `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_SelectOp : Accel_Op<"select", [
    AllShapesMatch<["cond", "lhs", "rhs", "result"]>,
    AllElementTypesMatch<["lhs", "rhs", "result"]>]> {
  let summary = "element-wise choice between two tiles (vsel)";
  let description = [{
    `result = cond != 0 ? lhs : rhs` element by element (ONNX Where):
    `cond` is a `bf16` boolean tile (0 / 1), `lhs`, `rhs` and `result` are
    tiles of one vector element type (`bf16` or `i32`), copied bit for bit.

    Example:

    ```mlir
    accel.select %c, %a, %b, %d : memref<8x64xbf16, #accel.space<act>>,
        memref<8x64xbf16, #accel.space<act>>, memref<8x64xbf16, #accel.space<act>>,
        memref<8x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$cond,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$rhs,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $cond `,` $lhs `,` $rhs `,` $result attr-dict `:` type($cond) `,`
    type($lhs) `,` type($rhs) `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_WrapOp : Accel_Op<"wrap", [AllShapesMatch<["input", "result"]>]> {
  let summary = "wrap i32 values to a narrow integer type (vwrap)";
  let description = [{
    `result = input` reduced modulo `2^bits` into the range of a `bits`-bit
    integer: the low `bits` bits of each `i32` element, sign-extended with
    `sign_extend` (int8, int16), else zero-extended (uint8, uint16). ONNX
    int8 / uint8 / int16 / uint16 tensors are held as `i32`; after an `i32`
    add, sub or mul (which wrap modulo 2^32) this is the narrow type's
    wrapping result, and it is the integer Cast to those types.

    Example:

    ```mlir
    accel.wrap %a, %d bits 8 : memref<4x64xi32, #accel.space<act>>,
        memref<4x64xi32, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       I32Attr:$bits,
                       UnitAttr:$sign_extend);
  let assemblyFormat = [{
    $input `,` $result `bits` $bits (`sign_extend` $sign_extend^)? attr-dict
    `:` type($input) `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_ReduceOp : Accel_Op<"reduce"> {
  let summary = "row reduction of the vector unit";
  let description = [{
    `result[r, 0] = <kind> over c of input[r, c]`, left to right.

    Example:

    ```mlir
    accel.reduce <max> %a, %m : memref<32x64xbf16, #accel.space<act>>,
        memref<32x1xbf16, #accel.space<vec>>
    ```
  }];
  let arguments = (ins Accel_ReduceKindAttr:$kind,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $kind $input `,` $result attr-dict `:` type($input) `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_ConvertOp : Accel_Op<"convert"> {
  let summary = "format conversion through the requantization unit";
  let description = [{
    Converts a tile between number formats, multiplying by `scale` on the
    way: `f32` accumulators or `i4`/`i6`/`i8`/`i16`/`i32` integers to
    `bf16`, and `bf16` to `i8`, `i6` or `i4` (saturating at that width,
    symmetric for the narrow ones: `cvt.b2i bits`; one byte per element).
    Rounding follows the target's bf16 mode.

    `zp` is the zero point of an asymmetric int8 tensor (`cvt.b2i zp` /
    `cvt.i2b zp`): bf16 -> i8 computes `sat8(round(x * scale) + zp)`, i8 ->
    bf16 computes `(q - zp) * scale`. A uint8 tensor with zero point Z is
    held as int8 with `zp = Z - 128`. Only int8 conversions take one.

    `uint` reads an `i32` input as uint32 (`cvt.i2b src=u32`): the Cast of
    an ONNX uint32 or uint64 tensor (held as 32-bit words) to a float.

    Example:

    ```mlir
    accel.convert %acc, %d scale 1.000000e+00
        : memref<32x64xf32, #accel.space<acc>>, memref<32x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       DefaultValuedAttr<F32Attr, "1.0">:$scale,
                       DefaultValuedAttr<I32Attr, "0">:$zero_point,
                       UnitAttr:$uint);
  let assemblyFormat = [{
    $input `,` $result (`scale` $scale^)? (`zp` $zero_point^)? (`uint` $uint^)?
    attr-dict `:` type($input) `,` type($result)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$result,
                   "::mlir::FloatAttr":$scale), [{
      build($_builder, $_state, input, result, scale,
            $_builder.getI32IntegerAttr(0), ::mlir::UnitAttr());
    }]>,
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$result,
                   "::mlir::FloatAttr":$scale, "::mlir::IntegerAttr":$zero_point), [{
      build($_builder, $_state, input, result, scale, zero_point,
            ::mlir::UnitAttr());
    }]>
  ];
  let hasVerifier = 1;
}

def Accel_QuantizeOp : Accel_Op<"quantize"> {
  let summary = "exact QuantizeLinear of a tile (requantization unit)";
  let description = [{
    ONNX QuantizeLinear: `result = clamp(rne(f32(input) / scale) + zp,
    qmin, qmax)` with `scale` the f32 scale S itself (held exactly, an f32
    division: not a multiplication by a rounded `1/S` as `accel.convert`),
    from a `bf16` or `f32` tile to an `i8` tile (`cvt.f2i`). `[qmin, qmax]`
    is int8's range, a two's complement narrow range `[-2^(b-1),
    2^(b-1)-1]` or a symmetric one `+-(2^(b-1)-1)` (b = 2..8): a QDQ
    model's `QuantizeLinear -> Clip -> DequantizeLinear`.

    Example:

    ```mlir
    accel.quantize %x, %q scale 3.921569e-03 zp -128
        : memref<1x64xf32, #accel.space<act>>, memref<1x64xi8, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       F32Attr:$scale,
                       DefaultValuedAttr<I32Attr, "0">:$zero_point,
                       DefaultValuedAttr<I32Attr, "-128">:$qmin,
                       DefaultValuedAttr<I32Attr, "127">:$qmax);
  let assemblyFormat = [{
    $input `,` $result `scale` $scale (`zp` $zero_point^)?
    (`qmin` $qmin^)? (`qmax` $qmax^)? attr-dict `:`
    type($input) `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_RequantOp : Accel_Op<"requant", [
    AllShapesMatch<["input", "result"]>]> {
  let summary = "integer requantization to int8 (requantization unit)";
  let description = [{
    `result = requant(input)`: an `i32` accumulator tile (`i16` for TATAA's
    partial-sum lanes) to `i8` by the dyadic multiplier `multiplier /
    2^shift` in the arithmetic of `variant` (SEEDS.md): `ibert` rounds half
    to even, adds `zero_point` and saturates, `swifttron` and `tataa`
    truncate and keep the low 8 bits (no zero point), `elastic` rounds half
    up, adds `zero_point` and saturates. `zero_point` is an asymmetric int8
    result's (0 in I-BERT and TATAA's tables). `relu` (`ibert`, `elastic`)
    clamps the result below at `zero_point` instead of -128: a fused ReLU
    (the instruction's `relu` field). The emitter loads the parameters into
    a requantization register.

    Example:

    ```mlir
    accel.requant <ibert> %acc, %q multiplier 1518500250 shift 38
        : memref<16x16xi32, #accel.space<acc>>, memref<16x16xi8, #accel.space<act>>
    ```
  }];
  let arguments = (ins Accel_RequantVariantAttr:$variant,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       ConfinedAttr<I64Attr, [IntMinValue<1>]>:$multiplier,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$shift,
                       DefaultValuedAttr<I32Attr, "0">:$zero_point,
                       UnitAttr:$relu);
  let assemblyFormat = [{
    $variant $input `,` $result `multiplier` $multiplier `shift` $shift
    (`zero_point` $zero_point^)? (`relu` $relu^)? attr-dict `:` type($input) `,` type($result)
  }];
  let hasVerifier = 1;
}

// Row-wise bf16 kernels of the special-function unit share their shape rule.
class Accel_SfuRowOp<string mnemonic, string what>
    : Accel_Op<mnemonic, [AllShapesMatch<["input", "result"]>]> {
  let summary = "bf16 " # what # " of each row (special-function unit)";
  let hasVerifier = 1;
}

def Accel_SoftmaxOp : Accel_SfuRowOp<"softmax", "softmax"> {
  let description = [{
    Softmax along each row of a tile into a `bf16` tile (`rsfu.softmax`);
    with `log`, log-softmax: `(x - max) - log(sum exp(x - max))`, the same
    f32 passes. The input is `bf16`, or `f32` (`af32`): a program input kept
    in f32 for the SFU, so `x - max` is formed before any bf16 rounding
    (docs/Lowering.md, "f32 inputs of the SFU").

    Example:

    ```mlir
    accel.softmax %s, %p : memref<16x16xbf16, #accel.space<act>>,
        memref<16x16xbf16, #accel.space<act>>
    accel.softmax %x, %y log : memref<2x4xf32, #accel.space<act>>,
        memref<2x4xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       UnitAttr:$log);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$result), [{
      build($_builder, $_state, input, result, /*log=*/false);
    }]>
  ];
  let assemblyFormat = [{
    $input `,` $result (`log` $log^)? attr-dict `:` type($input) `,`
    type($result)
  }];
}

def Accel_LayerNormOp : Accel_SfuRowOp<"layer_norm",
                                       "normalization (no affine)"> {
  let description = [{
    `(x - mean) / sqrt(var + epsilon)` along each row of a `bf16` tile;
    gamma and beta are applied by vector ops.

    Example:

    ```mlir
    accel.layer_norm %x, %y epsilon 9.99999974E-6
        : memref<16x32xbf16, #accel.space<act>>, memref<16x32xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       F32Attr:$epsilon);
  let assemblyFormat = [{
    $input `,` $result `epsilon` $epsilon attr-dict `:` type($input) `,`
    type($result)
  }];
}

def Accel_GeluOp : Accel_SfuRowOp<"gelu", "GELU"> {
  let description = [{
    GELU (tanh form) element-wise on a `bf16` tile.

    Example:

    ```mlir
    accel.gelu %h, %a : memref<16x128xbf16, #accel.space<act>>,
        memref<16x128xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $input `,` $result attr-dict `:` type($input) `,` type($result)
  }];
}

def Accel_RsqrtOp : Accel_SfuRowOp<"rsqrt", "reciprocal square root"> {
  let description = [{
    `1 / sqrt(x)` element-wise on a `bf16` tile: `bsfu.isqrt`, the magic
    inverse square root `t = bf16(0x5F37 - (bits(x) >> 1))` refined by one
    Newton step `t (1.5 - 0.5 x t^2)` in the target's bf16 mode (docs/ISA.md;
    measured on 1e-12 .. 1e6: at most 0.9 % from the exact value, about two
    bf16 ulps, e2e/rsqrt.test).

    Example:

    ```mlir
    accel.rsqrt %v, %r : memref<16x16xbf16, #accel.space<act>>,
        memref<16x16xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $input `,` $result attr-dict `:` type($input) `,` type($result)
  }];
}

def Accel_SqrtOp : Accel_SfuRowOp<"sqrt", "square root"> {
  let description = [{
    `sqrt(x)` element-wise on a `bf16` tile, correctly rounded to bf16:
    `rsfu.sqrt`, the f32 square root rounded once (ONNX Sqrt; a negative
    input gives NaN).

    Example:

    ```mlir
    accel.sqrt %v, %r : memref<16x16xbf16, #accel.space<act>>,
        memref<16x16xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $input `,` $result attr-dict `:` type($input) `,` type($result)
  }];
}

def Accel_SfuFnOp : Accel_SfuRowOp<"sfu_fn", "element-wise function"> {
  let description = [{
    `fn(x)` element-wise on a `bf16` tile, `fn` one of `exp`, `tanh`,
    `sigmoid`, `erf`, `log`: `rsfu.fn`, computed in f32 inside the unit
    (range reduction and a short polynomial, within 1e-6 relative of the
    exact value) and rounded once to bf16, whatever the target's bf16 mode
    (docs/Runtime.md; IEEE special values: `log(0) = -inf`, `log(x < 0) =
    NaN`, `exp` overflows to `inf` above 88.7).

    Example:

    ```mlir
    accel.sfu_fn <exp> %x, %y : memref<16x16xbf16, #accel.space<act>>,
        memref<16x16xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Accel_SfuFunctionAttr:$fn,
                       Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $fn $input `,` $result attr-dict `:` type($input) `,` type($result)
  }];
}

// Integer-only (I-BERT) kernels of the special-function unit. The float
// scale of the input enters only through the integer constants `params`,
// which the emitter loads into the SFU's P registers (cfg.ireg).
class Accel_IntSfuOp<string mnemonic, string what, string params>
    : Accel_Op<mnemonic, [AllShapesMatch<["input", "result"]>]> {
  let summary = "integer-only " # what # " (special-function unit, I-BERT)";
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       DenseI32ArrayAttr:$params);
  let assemblyFormat = [{
    $input `,` $result `params` $params attr-dict `:` type($input) `,`
    type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of P-register constants the kernel reads.
    static constexpr unsigned kNumParams = }] # params # [{;
  }];
}

def Accel_ISoftmaxOp : Accel_IntSfuOp<"isoftmax", "softmax of each row", "4"> {
  let description = [{
    I-BERT softmax of each row of an `i32` tile: max-subtract, i-exp,
    right shift to 16 bits, `floor(e * floor(2^32 / sum) / 2^24)` (output
    scale 2^-8). `params` = [x0, b_i, c_i, shift16].

    Example:

    ```mlir
    accel.isoftmax %s, %p params [-6570, 9189, 2147483, 12]
        : memref<16x16xi32, #accel.space<act>>, memref<16x16xi32, #accel.space<act>>
    ```
  }];
}

def Accel_IGeluOp : Accel_IntSfuOp<"igelu", "GELU", "3"> {
  let description = [{
    I-BERT GELU element-wise on an `i32` tile:
    `x * (floor(i-erf(x) / 2^14) + one_i)`, saturated to 32 bits.
    `params` = [b_i, c_i, one_i].

    Example:

    ```mlir
    accel.igelu %h, %a params [-1251, -1234, 3000]
        : memref<16x128xi32, #accel.space<act>>, memref<16x128xi32, #accel.space<act>>
    ```
  }];
}

def Accel_ILayerNormOp : Accel_IntSfuOp<"ilayernorm",
                                        "normalization of each row (no affine)",
                                        "1"> {
  let description = [{
    I-BERT LayerNorm of each row of an `i32` tile (output scale
    sqrt(cols) / 2^30); `params` = [k], the shift of the variance sum.

    Example:

    ```mlir
    accel.ilayernorm %x, %y params [3]
        : memref<16x64xi32, #accel.space<act>>, memref<16x64xi32, #accel.space<act>>
    ```
  }];
}

def Accel_RequantWideOp : Accel_Op<"requant_wide", [
    AllShapesMatch<["input", "result"]>]> {
  let summary = "integer rescaling at any width (rq.wide)";
  let description = [{
    `result = clamp(round_half_even(input * multiplier / 2^shift),
    +-(2^(bits-1) - 1))` with a signed 32-bit multiplier: `i4`, `i6`, `i8`,
    `i16` or `i32` input; `i8` result when `bits` <= 8 (or `i6` / `i4` when
    `bits` is 6 / 4: narrow activations, one byte per element), else `i32`.

    Example:

    ```mlir
    accel.requant_wide %acc, %q multiplier -1073741824 shift 30 bits 32
        : memref<16x16xi32, #accel.space<act>>, memref<16x16xi32, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$input,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       I32Attr:$multiplier,
                       ConfinedAttr<I32Attr, [IntNonNegative]>:$shift,
                       ConfinedAttr<I32Attr,
                                    [IntMinValue<2>, IntMaxValue<32>]>:$bits);
  let assemblyFormat = [{
    $input `,` $result `multiplier` $multiplier `shift` $shift `bits` $bits
    attr-dict `:` type($input) `,` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Token unit
//===----------------------------------------------------------------------===//

def Accel_TokenScoreOp : Accel_Op<"token_score"> {
  let summary = "token importance: column means of attention rows (token unit)";
  let description = [{
    `scores[j] = floor(sum over r of probs[r, j] / R)` for an `[R, N]` tile
    of `i8` (or `i32`) attention rows, R <= 63: with the CLS row of every
    head, the attention CLS pays each token averaged over heads (the ISA's
    `tok.score`). `scores` is `i32` in the vector scratchpad.

    Example:

    ```mlir
    accel.token_score %p, %s
        : memref<4x17xi8, #accel.space<act>>, memref<17xi32, #accel.space<vec>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$probs,
                       Arg<Accel_VecBuffer, "", [MemWrite]>:$scores);
  let assemblyFormat = [{
    $probs `,` $scores attr-dict `:` type($probs) `,` type($scores)
  }];
  let hasVerifier = 1;
}

def Accel_TokenSelectOp : Accel_Op<"token_select"> {
  let summary = "kept token indices: CLS and the top-scoring tokens";
  let description = [{
    `indices` = token 0 and the `keep - 1` tokens of `1 .. N-1` with the
    highest `scores` (ties: the lower index), ascending (the ISA's
    `tok.select` in top-k mode). The count goes to length register 0, which
    the following `accel.token_gather` ops read.

    With `threshold T` (threshold mode, `tok.select mode=thresh param=T-1`)
    it keeps token 0 and every token of `1 .. N-1` whose score is `>= T`:
    the count is known at run time only (length register 0), at most `N`,
    so `keep` (the capacity of `indices`) must be `N`; entries past the
    count are not written.

    Example:

    ```mlir
    accel.token_select %s, %idx keep 13
        : memref<17xi32, #accel.space<vec>>, memref<13xi32, #accel.space<vec>>
    accel.token_select %s, %all keep 17 threshold 3
        : memref<17xi32, #accel.space<vec>>, memref<17xi32, #accel.space<vec>>
    ```
  }];
  let arguments = (ins Arg<Accel_VecBuffer, "", [MemRead]>:$scores,
                       Arg<Accel_VecBuffer, "", [MemWrite]>:$indices,
                       ConfinedAttr<I64Attr, [IntMinValue<1>]>:$keep,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<1>]>>:$threshold);
  let assemblyFormat = [{
    $scores `,` $indices `keep` $keep (`threshold` $threshold^)? attr-dict `:`
    type($scores) `,` type($indices)
  }];
  let hasVerifier = 1;
}

def Accel_TokenGatherOp : Accel_Op<"token_gather"> {
  let summary = "compact the kept rows of a tile (token unit)";
  let description = [{
    `result[i, :] = source[indices[i], :]` for the rows selected by the last
    `accel.token_select` (length register 0; the ISA's `tok.gather`).
    `source` `[N, C]` and `result` `[K, C]` have the same element type;
    `indices` is the `[K]` i32 vector the selection wrote.

    With `zero_fill` (after a threshold selection, whose count is known at
    run time only) `result` has the source's `N` rows and its rows from the
    count on are zeros (`tok.gather zf=1`).

    Example:

    ```mlir
    accel.token_gather %x, %idx, %y
        : memref<17x64xbf16, #accel.space<act>>, memref<13xi32, #accel.space<vec>>,
          memref<13x64xbf16, #accel.space<act>>
    accel.token_gather %x, %all, %z zero_fill
        : memref<17x64xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>,
          memref<17x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$source,
                       Arg<Accel_VecBuffer, "", [MemRead]>:$indices,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result,
                       UnitAttr:$zero_fill);
  let assemblyFormat = [{
    $source `,` $indices `,` $result (`zero_fill` $zero_fill^)? attr-dict `:`
    type($source) `,` type($indices) `,` type($result)
  }];
  let hasVerifier = 1;
}

def Accel_TokenFuseOp : Accel_Op<"token_fuse"> {
  let summary = "fold the pruned rows of a tile into one row (token unit)";
  let description = [{
    EViT's inattentive-token fusion (the ISA's `tok.fuse`): `result[0, c] =
    sum_j w_j source[j, c] / sum_j w_j` over the rows `j` in `[1, N)` that
    are not in `indices` (the rows the last `accel.token_select` kept, length
    register 0), with `w_j = max(scores[j], 0)`; if every such weight is 0,
    the plain mean of those rows; with no pruned row, zeros. bf16 only:
    `source` `[N, C]`, `result` `[1, C]`; `scores` is the `[N]` i32 vector
    `accel.token_score` wrote, `indices` the `[K]` i32 vector of the
    selection.

    Example:

    ```mlir
    accel.token_fuse %x, %scores, %idx, %f
        : memref<17x64xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>,
          memref<9xi32, #accel.space<vec>>, memref<1x64xbf16, #accel.space<act>>
    ```
  }];
  let arguments = (ins Arg<Accel_ScratchpadBuffer, "", [MemRead]>:$source,
                       Arg<Accel_VecBuffer, "", [MemRead]>:$scores,
                       Arg<Accel_VecBuffer, "", [MemRead]>:$indices,
                       Arg<Accel_ScratchpadBuffer, "", [MemWrite]>:$result);
  let assemblyFormat = [{
    $source `,` $scores `,` $indices `,` $result attr-dict `:` type($source)
    `,` type($scores) `,` type($indices) `,` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Synchronization between queues
//===----------------------------------------------------------------------===//

def Accel_PushOp : Accel_Op<"push"> {
  let summary = "send a dependency token from one queue to another";
  let description = [{
    Executes on queue `from` after every earlier instruction of that queue
    and sends one token to queue `to`. Inserted by `accel-insert-sync`.

    Example:

    ```mlir
    accel.push <load> to <compute>
    ```
  }];
  let arguments = (ins Accel_QueueAttr:$from, Accel_QueueAttr:$to);
  let assemblyFormat = "$from `to` $to attr-dict";
  let hasVerifier = 1;
}

def Accel_PopOp : Accel_Op<"pop"> {
  let summary = "wait for a dependency token from another queue";
  let description = [{
    Executes on queue `to`: no later instruction of that queue starts before
    a token pushed by queue `from` has arrived (and is consumed).

    Example:

    ```mlir
    accel.pop <load> to <compute>
    ```
  }];
  let arguments = (ins Accel_QueueAttr:$from, Accel_QueueAttr:$to);
  let assemblyFormat = "$from `to` $to attr-dict";
  let hasVerifier = 1;
}

def Accel_BarrierOp : Accel_Op<"barrier"> {
  let summary = "wait until every core of the program has arrived";
  let description = [{
    Orders a partitioned program's cores: every queue of every core drains,
    and no core goes past the barrier before all have reached it, so a DRAM
    access after it is ordered after every access before it on any core.
    Inserted by `accel-partition-cores` where an op needs data another core
    wrote (or overwrites data another core reads) since the last barrier;
    the emitter writes a `barrier` instruction into every core's stream.

    Example:

    ```mlir
    accel.barrier
    ```
  }];
  let assemblyFormat = "attr-dict";
}

#endif // ACCEL_OPS_TD
