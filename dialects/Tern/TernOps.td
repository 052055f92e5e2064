//===- TernOps.td - graph-level transformer operators ------*- tablegen -*-===//
//
// Operator definitions of the `tern` dialect. Shape rules that concern one
// operand are ODS constraints; rules that relate several operands (contraction
// dimensions, normalized-axis sizes) are in the C++ verifiers
// (lib/Dialect/Tern/IR/TernOps.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_OPS_TD
#define TERN_OPS_TD

include "Tern/TernDialect.td"
include "mlir/Dialect/Quant/QuantOpsBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

// Element types a transformer tensor may carry: a float during import and
// calibration, a uniform quantized type once quantized.
def Tern_ElementType : AnyTypeOf<[AnyFloat, quant_UniformQuantizedType],
                                 "float or uniform quantized">;
def Tern_Tensor : RankedTensorOf<[Tern_ElementType]>;
// Static weights (and their bias) may also be quantized per output channel.
// (MLIR 19's QuantOpsBase.td has no per-axis constraint.)
def Tern_UniformQuantizedPerAxisType : DialectType<Quantization_Dialect,
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "per-axis UniformQuantizedType">;
def Tern_WeightElementType
    : AnyTypeOf<[AnyFloat, quant_UniformQuantizedType,
                 Tern_UniformQuantizedPerAxisType],
                "float, uniform or per-axis uniform quantized">;
def Tern_Vector : 1DTensorOf<[Tern_ElementType]>;
// Activations of a matrix product: rank 2 (tokens x features) or more (batch
// and head dimensions in front).
def Tern_MatrixTensor : TensorRankOf<[Tern_ElementType], [2, 3, 4]>;

def Tern_FloatNonNegative : AttrConstraint<
    CPred<"!::llvm::cast<::mlir::FloatAttr>($_self).getValue().isNegative()">,
    "whose value is non-negative">;

def Tern_PrecisionDefault
    : DefaultValuedAttr<Tern_PrecisionAttr, "::tern::Precision::f32">;

//===----------------------------------------------------------------------===//
// Matrix-unit operators
//===----------------------------------------------------------------------===//

def Tern_LinearOp : Tern_Op<"linear", [Pure]> {
  let summary = "fully connected layer: input x weight (+ bias)";
  let description = [{
    Multiplies the last dimension of `input` (`[..., K]`) with a constant
    `weight` matrix laid out `[K, N]` (ONNX MatMul convention) and adds an
    optional `bias` of shape `[N]`. The result is `[..., N]`.

    This is the operator the matrix unit runs with static weights (Q/K/V/O
    projections and both FFN layers).

    `relu` (set by `tern-quantize` for a QDQ model's `QuantizeLinear ->
    DequantizeLinear -> Relu -> QuantizeLinear` to the same type): the
    result is `max(y, 0)`, applied by the requantizer as a lower clamp at
    the result's zero point. Only on a linear with an int8 quantized result.

    Example:

    ```mlir
    %y = tern.linear %x, %w, %b precision <int>
        : tensor<197x768xf32>, tensor<768x3072xf32>, tensor<3072xf32>
          -> tensor<197x3072xf32>
    ```
  }];
  let arguments = (ins Tern_MatrixTensor:$input,
                       2DTensorOf<[Tern_WeightElementType]>:$weight,
                       Optional<1DTensorOf<[Tern_WeightElementType]>>:$bias,
                       Tern_PrecisionDefault:$precision,
                       UnitAttr:$relu);
  let results = (outs Tern_MatrixTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`precision` $precision^)? (`relu` $relu^)? attr-dict `:`
    type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tern_MatMulOp : Tern_Op<"matmul", [Pure]> {
  let summary = "batched product of two activations (attention scores, context)";
  let description = [{
    Batched matrix product of two run-time tensors, as in attention:
    `lhs [..., M, K] x rhs [..., K, N] -> [..., M, N]`, or with
    `transpose_rhs` set, `rhs [..., N, K]` is read transposed (Q.K^T without a
    transposed copy). Leading (batch, head) dimensions must match. The result
    is multiplied by `scale` (e.g. 1/sqrt(d_head)), which is folded into the
    requantization of the matrix unit.

    An optional additive `mask` (attention masks: 0 where attended, -inf
    where masked) is added after scaling: `result = scale * lhs x rhs +
    mask`. It has the result's rank and each of its dimensions is 1
    (broadcast) or the result's; boolean masks are turned into additive ones
    by the attention-raising pass.

    Example:

    ```mlir
    %s = tern.matmul %q, %k transpose_rhs scale 1.250000e-01
        : tensor<12x197x64xf32>, tensor<12x197x64xf32> -> tensor<12x197x197xf32>
    %m = tern.matmul %q, %k mask %pad transpose_rhs scale 1.250000e-01
        : tensor<2x12x16x64xf32>, tensor<2x12x16x64xf32>, tensor<2x1x1x16xf32>
          -> tensor<2x12x16x16xf32>
    ```
  }];
  let arguments = (ins Tern_MatrixTensor:$lhs, Tern_MatrixTensor:$rhs,
                       Optional<Tern_MatrixTensor>:$mask,
                       UnitAttr:$transpose_rhs,
                       DefaultValuedAttr<F64Attr, "1.0">:$scale,
                       Tern_PrecisionDefault:$precision);
  let results = (outs Tern_MatrixTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`mask` $mask^)? (`transpose_rhs` $transpose_rhs^)?
    (`scale` $scale^)? (`precision` $precision^)? attr-dict `:` type($lhs) `,`
    type($rhs) (`,` type($mask)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Vector / special-function-unit operators
//===----------------------------------------------------------------------===//

def Tern_LayerNormOp : Tern_Op<"layer_norm", [Pure]> {
  let summary = "layer normalization over the last dimension";
  let description = [{
    `y = (x - mean(x)) / sqrt(var(x) + epsilon) * gamma + beta`, with mean and
    (biased) variance over the last dimension of `input`. `gamma` and `beta`
    have the size of that dimension.

    Example:

    ```mlir
    %y = tern.layer_norm %x, %g, %b epsilon 9.99999974E-6
        : tensor<197x768xf32>, tensor<768xf32>, tensor<768xf32> -> tensor<197x768xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input, Tern_Vector:$gamma,
                       Tern_Vector:$beta,
                       ConfinedAttr<F32Attr, [Tern_FloatNonNegative]>:$epsilon,
                       Tern_PrecisionDefault:$precision);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `epsilon` $epsilon (`precision` $precision^)?
    attr-dict `:` type($input) `,` type($gamma) `,` type($beta) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Tern_SoftmaxOp : Tern_Op<"softmax", [Pure]> {
  let summary = "softmax over the last dimension";
  let description = [{
    `y_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))` along the last
    dimension (the key axis of attention scores).

    Example:

    ```mlir
    %p = tern.softmax %s precision <bf16>
        : tensor<12x197x197xf32> -> tensor<12x197x197xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input, Tern_PrecisionDefault:$precision);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input (`precision` $precision^)? attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Tern_LogSoftmaxOp : Tern_Op<"log_softmax", [Pure]> {
  let summary = "log-softmax over the last dimension";
  let description = [{
    `y_i = (x_i - max(x)) - log(sum_j exp(x_j - max(x)))` along the last
    dimension (ONNX LogSoftmax, and the decomposed form that
    `tern-raise-softmax` recognizes). It always runs on the SFU's reference
    kernel (`rsfu.softmax` with `log`: f32 inside, one bf16 rounding): the
    integer and TATAA softmax kernels have no log form, so the precision
    passes leave it alone.

    Example:

    ```mlir
    %y = tern.log_softmax %x : tensor<2x4xf32> -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

// Element-wise unary operators share their shape rule: the result has the
// input's shape (element types may differ once quantized).
class Tern_UnaryOp<string mnemonic, list<Trait> traits = []>
    : Tern_Op<mnemonic, !listconcat(traits, [Pure])> {
  let hasVerifier = 1;
}

def Tern_GeluOp : Tern_UnaryOp<"gelu"> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `y = 0.5 x (1 + erf(x / sqrt(2)))` (`approximation = erf`) or its tanh
    approximation `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.

    Example:

    ```mlir
    %y = tern.gelu %x approximation <tanh> : tensor<197x3072xf32> -> tensor<197x3072xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input,
                       DefaultValuedAttr<Tern_GeluApproximationAttr,
                           "::tern::GeluApproximation::erf">:$approximation,
                       Tern_PrecisionDefault:$precision);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input (`approximation` $approximation^)? (`precision` $precision^)?
    attr-dict `:` type($input) `->` type($result)
  }];
}

def Tern_ReluOp : Tern_UnaryOp<"relu"> {
  let summary = "rectified linear unit, max(x, 0)";
  let description = [{
    Example:

    ```mlir
    %y = tern.relu %x : tensor<197x3072xf32> -> tensor<197x3072xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input, Tern_PrecisionDefault:$precision);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input (`precision` $precision^)? attr-dict `:` type($input) `->`
    type($result)
  }];
}

def Tern_AddOp : Tern_Op<"add", [Pure, SameOperandsShape,
                                 SameOperandsAndResultShape]> {
  let summary = "element-wise sum of two same-shaped tensors (residual add)";
  let description = [{
    The residual connection of a transformer block. Both operands and the
    result have the same shape; in integer mode each operand is requantized to
    the result scale before the sum (I-BERT), so element types may differ.

    Example:

    ```mlir
    %y = tern.add %x, %r : tensor<197x768xf32>, tensor<197x768xf32> -> tensor<197x768xf32>
    ```
  }];
  let arguments = (ins Tern_Tensor:$lhs, Tern_Tensor:$rhs,
                       Tern_PrecisionDefault:$precision);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`precision` $precision^)? attr-dict `:` type($lhs) `,`
    type($rhs) `->` type($result)
  }];
}

def Tern_ToIntOp : Tern_Op<"to_int", [Pure]> {
  let summary = "integer result of a pow or division computed in f32";
  let description = [{
    `result = round(input1 <kind> input2)` element by element, the `pow` or
    division computed in f32 and converted to the integer result type
    without being rounded to the operands' float type first: `trunc` toward
    zero, `rne` to nearest with ties to even. Out of the result's range it
    saturates, NaN gives 0. The operands broadcast to the result (equal
    ranks, each dimension equal to the result's or 1).

    Two ONNX operators need it, and a float intermediate would change their
    results: QuantizeLinear with a run-time scale, `round(x / y_scale)`
    (`<div> rne`; the zero point and the saturation follow as TOSA ops), and
    Pow of an integer base and a float exponent, `trunc(pow(x, y))` (`<pow>
    trunc`, whose integer `input1` is read as is: a bf16 copy would round
    bases beyond 256). The accelerator computes it on the SFU
    (`rsfu.div` / `rsfu.pow` with `toint`).

    Example:

    ```mlir
    %q = tern.to_int <div> <rne> %x, %scale
        : tensor<4x6xf32>, tensor<4x1xf32> -> tensor<4x6xi32>
    ```
  }];
  let arguments = (ins Tern_ToIntKindAttr:$kind, Tern_RoundingAttr:$rounding,
                       AnyRankedTensor:$input1, AnyRankedTensor:$input2);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $kind $rounding $input1 `,` $input2 attr-dict `:` type($input1) `,`
    type($input2) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tern_RequantizeOp : Tern_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "integer rescaling of a quantized tensor to another scale or width";
  let description = [{
    `result = clamp(round(input * S_in / S_out))` in integers: the
    requantization unit's dyadic multiply-and-shift from one symmetric
    per-tensor quantized type to another (I-BERT's QuantAct). Inserted by
    `tern-quantize` under the integer-only policies, where a kernel needs its
    operand at another scale or width (an int32 accumulator to int8 for the
    next matrix op, both residual branches to the 22-bit sum scale, the
    GELU input to a width whose constants fit 32 bits). Not a conversion:
    no float value is involved.

    Example:

    ```mlir
    %q = tern.requantize %acc
        : tensor<17x64x!quant.uniform<i32:f32, 4.2e-05>>
          -> tensor<17x64x!quant.uniform<i8<-127:127>:f32, 0.0209>>
    ```
  }];
  let arguments = (ins Tern_Tensor:$input);
  let results = (outs Tern_Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention head layout
//===----------------------------------------------------------------------===//

def Tern_SplitHeadsOp : Tern_Op<"split_heads", [Pure]> {
  let summary = "split the feature dimension into attention heads";
  let description = [{
    `[B, S, H*Dh] -> [B, H, S, Dh]`: the reshape + transpose(0, 2, 1, 3) that
    exported attention uses to give every head its own [S, Dh] matrix. A
    data-layout operation: on the accelerator it is an addressing pattern of
    the DMA, not a computation.

    Example:

    ```mlir
    %qh = tern.split_heads %q heads 12
        : tensor<1x197x768xf32> -> tensor<1x12x197x64xf32>
    ```
  }];
  let arguments = (ins 3DTensorOf<[Tern_ElementType]>:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<1>]>:$heads);
  let results = (outs 4DTensorOf<[Tern_ElementType]>:$result);
  let assemblyFormat = [{
    $input `heads` $heads attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tern_MergeHeadsOp : Tern_Op<"merge_heads", [Pure]> {
  let summary = "concatenate attention heads back into the feature dimension";
  let description = [{
    `[B, H, S, Dh] -> [B, S, H*Dh]`: the inverse of `tern.split_heads`
    (transpose(0, 2, 1, 3) + reshape), applied to the attention context
    before the output projection.

    Example:

    ```mlir
    %ctx = tern.merge_heads %c
        : tensor<1x12x197x64xf32> -> tensor<1x197x768xf32>
    ```
  }];
  let arguments = (ins 4DTensorOf<[Tern_ElementType]>:$input);
  let results = (outs 3DTensorOf<[Tern_ElementType]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Token pruning
//===----------------------------------------------------------------------===//

def Tern_PruneTokensOp : Tern_Op<"prune_tokens", [Pure]> {
  let summary = "keep the most attended tokens of a sequence (token unit)";
  let description = [{
    Dynamic token pruning (SEEDS.md section 2, EViT): from the hidden state
    `hidden` `[B, N, D]` and the attention probabilities `probs`
    `[B, H, N, N]` of the same layer, keeps `keep` tokens and drops the
    others. Token 0 (CLS) is always kept; the other `keep - 1` are the
    tokens with the highest importance among tokens `1 .. N-1` (ties: the
    lower index). Importance of token `j`:

    - default: the attention CLS pays it, averaged over heads,
      `s_j = mean_h probs[b, h, 0, j]`;
    - `all_rows` (models without a CLS token): the attention it receives
      from every query row, `s_j = mean_{h, i} probs[b, h, i, j]`.

    `result[b, i] = hidden[b, indices[b, i]]` with `indices` ascending, so
    the kept tokens keep their order and CLS stays at row 0. The number of
    tokens is static (`keep`): every later operator is the same model run on
    the kept tokens.

    With `fuse` (EViT's inattentive-token fusion) the result has one more
    row, `keep`, the importance-weighted mean of the pruned tokens:
    `result[b, keep] = sum_j s_j hidden[b, j] / sum_j s_j` over the tokens
    `j` not kept (the plain mean if every such `s_j` is 0). It needs at
    least one pruned token (`keep < N`).

    On the accelerator the probabilities are scored as int8
    (`round(p * 127)`, the token unit's `tok.score` input), so tokens whose
    importance differs by less than about 1/127 may be ranked differently
    from an FP32 evaluation of the same formula.

    With `threshold T` (threshold selection) the kept count is known at run
    time only: token 0 and every token `j` of `1 .. N-1` whose token-unit
    score `floor(mean_h round(127 probs[b, h, 0, j]))` (the row mean with
    `all_rows`) is `>= T` are kept, ascending. The result keeps the static
    capacity `keep = N` rows: rows `[0, L)` are the `L` kept tokens, rows
    `[L, N)` are zeros. `indices[b, i]` is 0 for `i >= L` (index 0 appears
    only at position 0, so `L` is 1 plus the number of non-zero entries
    after it). The third result `key_mask` `[B, 1, 1, N]` is 0 for `i < L`
    and `-2^100` for `i >= L`: the additive mask of every later attention's
    `Q K^T` (`tern.matmul ... mask`), so that the zero rows are never
    attended and the kept rows compute what the same model on the `L` kept
    tokens computes. Not with `fuse`.

    Example:

    ```mlir
    %h, %idx = tern.prune_tokens %x, %p keep 13
        : tensor<1x17x64xf32>, tensor<1x4x17x17xf32>
          -> tensor<1x13x64xf32>, tensor<1x13xi32>
    %t, %tidx, %mask = tern.prune_tokens %x, %p keep 17 threshold 3
        : tensor<1x17x64xf32>, tensor<1x4x17x17xf32>
          -> tensor<1x17x64xf32>, tensor<1x17xi32>, tensor<1x1x1x17xf32>
    ```
  }];
  let arguments = (ins 3DTensorOf<[Tern_ElementType]>:$hidden,
                       4DTensorOf<[AnyFloat]>:$probs,
                       ConfinedAttr<I64Attr, [IntMinValue<1>]>:$keep,
                       UnitAttr:$all_rows, UnitAttr:$fuse,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntMinValue<1>]>>:$threshold);
  let results = (outs 3DTensorOf<[Tern_ElementType]>:$result,
                      2DTensorOf<[I32]>:$indices,
                      Optional<4DTensorOf<[AnyFloat]>>:$key_mask);
  let assemblyFormat = [{
    $hidden `,` $probs `keep` $keep (`all_rows` $all_rows^)? (`fuse` $fuse^)?
    (`threshold` $threshold^)? attr-dict `:`
    type($hidden) `,` type($probs) `->` type($result) `,` type($indices)
    (`,` type($key_mask)^)?
  }];
  let hasVerifier = 1;
}

#endif // TERN_OPS_TD
