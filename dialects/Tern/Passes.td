//===- Passes.td - passes on the tern dialect ---------------*- tablegen -*-===//
//
// Passes that rewrite graph-level `tern` IR. Each one lives in its own file
// under lib/Dialect/Tern/Transforms/ and is lit-tested in
// test/Dialect/Tern/<argument>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PASSES_TD
#define TERN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernGeluToRelu : Pass<"tern-gelu-to-relu", "::mlir::func::FuncOp"> {
  let summary = "Replace every tern.gelu with tern.relu";
  let description = [{
    The 28 nm ViT accelerator (Hsiung & Chang) replaces GELU with ReLU so that
    FFN hidden activations become exactly zero where negative, which the FFN2
    row-skipping hardware then exploits, and so that no GELU unit is needed.

    Accepts: any function containing `tern.gelu` ops (any approximation,
    any precision). Produces: `tern.relu` ops with the same operand, result
    type and precision. Leaves everything else alone.

    The rewrite changes the model's function. It is meant for models trained
    with ReLU or fine-tuned after the swap; the pass emits a warning on each
    function it changes, because accuracy must be re-measured (e.g. with
    `tern eval`).
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    Option<"warn", "warn", "bool", /*default=*/"true",
           "Emit a warning on every function that was changed">,
  ];
  let statistics = [
    Statistic<"numGeluReplaced", "num-gelu-replaced",
              "Number of tern.gelu ops replaced by tern.relu">,
  ];
}

def TernFfn2Sparsity : Pass<"tern-ffn2-sparsity", "::mlir::func::FuncOp"> {
  let summary = "Skip the W2 rows of FFN2 that only meet ReLU zeros";
  let description = [{
    FFN2 dynamic pruning of the 28 nm ViT accelerator (SEEDS.md section 2):
    after a ReLU, `y = sum_i h_i * W2[i, :]`, so a hidden channel `i` that is
    zero for every token of a row tile contributes nothing and row `i` of W2
    need be neither read nor multiplied.

    Accepts: functions after `tern-quantize`. Marks every `tern.linear` of
    `int` precision whose input is a symmetric 8-bit `quant.qcast` of a
    ReLU (`tern.relu`, or `tosa.clamp` with a lower bound of 0) with the
    discardable attribute `tern.ffn2_sparsity = <threshold> : i32`. Leaves
    everything else alone (float linears, inputs that are not a ReLU, a
    ReLU behind any other op).

    `convert-tern-to-accel` then computes, for every activation tile of a
    marked linear, the bitmap of its non-zero columns (`accel.nonzero_map`,
    the ISA's `vnzmap`) and hands it to the tile's integer `accel.gemm`
    (`bmap`/`baddr`). With `threshold=0` the program's outputs equal the
    dense program's bit for bit; `threshold=t` > 0 also skips channels
    whose int8 values in the tile all lie in `[-t, t]` (an approximation:
    re-measure accuracy).
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    Option<"threshold", "threshold", "unsigned", /*default=*/"0",
           "int8 magnitude at or below which a hidden value counts as zero "
           "for the bitmap (0: exact)">,
  ];
  let statistics = [
    Statistic<"numMarked", "num-marked",
              "Number of FFN2 linears marked for bitmap GEMMs">,
  ];
}

def TernPruneTokens : Pass<"tern-prune-tokens", "::mlir::func::FuncOp"> {
  let summary = "Drop the least attended tokens after chosen attention layers";
  let description = [{
    Dynamic token pruning of the 28 nm ViT accelerator (SEEDS.md section 2,
    EViT style). Attention layers are numbered 0, 1, ... in program order
    (a `tern.softmax` whose probabilities feed a context `tern.matmul`).
    After the attention of each chosen layer -- on the hidden state right
    after the attention's residual addition, before the FFN -- it inserts
    `tern.prune_tokens`, which keeps CLS (token 0) and the
    `ceil(rho * (N - 1))` patch tokens with the highest importance, and
    shrinks the token dimension of every later operator to the kept count:
    the rest of the network is the same model run on the kept tokens.

    Importance (`importance`): `cls` is the attention CLS pays each token,
    averaged over heads; `all-rows` is the mean attention a token receives
    from every query row, for models without a CLS token; `auto` (the
    default) picks `cls` when the function reads token 0 alone (a
    `tosa.gather` of index 0 or a `tosa.slice` of `[0, 1)` on the token axis,
    a CLS classifier head) and `all-rows` otherwise. Token 0 is always kept
    (the token unit's rule), also with `all-rows`.

    Options: `layers` (default: EViT's 4th, 7th and 10th layers, i.e.
    indices 3, 6, 9, clipped to the model's layer count); `keep-rate`, one
    rho for every chosen layer or one per layer (default 0.7), each in
    (0, 1]; a layer whose keep count equals its token count is left alone
    (rho = 1 is a no-op). `expose-indices` appends every inserted op's
    kept indices (`[B, K]` i32) to the function's results, named
    `kept_tokens_<layer>`, so that a test can run the reference on the same
    tokens. `fuse` (EViT's inattentive-token fusion) appends one token
    after the kept ones, the importance-weighted mean of the pruned tokens
    (`tern.prune_tokens ... fuse`), so each pruning point keeps `K + 1`
    rows; later pruning points score the fused token like any other.

    Errors (on the function): a layer given in `layers` that the model does
    not have (naming it and the layer count), a keep rate outside (0, 1], a
    `keep-rate` list whose length is neither 1 nor that of `layers`, an
    attention layer with no residual addition after it, and an operator
    after a pruning point that the token dimension cannot be shrunk through
    (reductions over tokens such as mean pooling, reshapes of the token
    axis, reads of a token other than 0, masks), named with its location.

    Threshold selection (`threshold` T > 0, instead of `keep-rate`; not
    with `fuse`): each pruning point keeps CLS and the tokens whose
    token-unit score `floor(mean_h round(127 p))` is `>= T`, a count `L`
    known at run time only. The tensors keep their static token count `N`
    (the capacity): `tern.prune_tokens ... threshold T` zeroes rows
    `[L, N)` and returns an additive key mask (0 / `-2^100`) that the pass
    attaches to the `Q K^T` product of every later attention layer, so the
    kept rows compute exactly what the same model on the `L` kept tokens
    computes (a later pruning point sees the masked tokens with score 0,
    below any T > 0). T <= 0 keeps every token: a no-op. Exposed indices
    are `[B, N]`, 0 past the count. Later layers still execute all `N`
    rows (the saving needs `lensel` on their instructions: not done,
    docs/Lowering.md). Errors: `threshold` with `keep-rate` or `fuse`, and
    a later attention product that already has a mask.
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    ListOption<"layers", "layers", "unsigned",
               "Attention layers (0-based) after which to prune; default "
               "3, 6, 9 clipped to the model">,
    ListOption<"keepRates", "keep-rate", "double",
               "Keep rate rho per chosen layer, or one for all (default 0.7)">,
    Option<"importance", "importance", "std::string", /*default=*/"\"auto\"",
           "Token importance: cls, all-rows or auto">,
    Option<"exposeIndices", "expose-indices", "bool", /*default=*/"false",
           "Append the kept indices of every pruning point to the results">,
    Option<"fuse", "fuse", "bool", /*default=*/"false",
           "Fold the pruned tokens into one extra token (importance-"
           "weighted mean)">,
    Option<"threshold", "threshold", "int", /*default=*/"0",
           "Keep CLS and the tokens whose token-unit score is >= T (a "
           "run-time count; instead of keep-rate); <= 0: keep all">,
  ];
  let statistics = [
    Statistic<"numPruned", "num-pruned",
              "Number of tern.prune_tokens ops inserted">,
  ];
}

def TernSelectPrecision
    : Pass<"tern-select-precision", "::mlir::func::FuncOp"> {
  let summary = "Decide the numeric mode of every tern op";
  let description = [{
    Sets the `precision` attribute of every `tern` op according to a policy.

    Implemented policies:
    - `bf16`: every operator in bf16 (matrix unit in bf16 mode with f32
      accumulation, reference bf16 SFU kernels); needs no calibration. The
      debugging and accuracy reference.
    - `tataa`: TATAA's static map (SEEDS.md section 4): the matrix
      operators (`tern.linear`, `tern.matmul`) in `int` (int8 operands on
      the systolic array), every non-linear operator and the residual
      stream in `bf16`. Where each int8 value is produced (int8 out of Q/K/V
      and scores.V, int8 out of softmax / LayerNorm / GELU) is decided by
      `tern-quantize`, which needs calibrated ranges.

    - `qdq`: for models exported with QuantizeLinear / DequantizeLinear
      pairs (QAT or PTQ exports): a matrix op whose activation operands
      (and, for `tern.linear`, weight) are all `quant.dcast` results is
      `int`, everything else `bf16`. `tern-quantize` then uses the model's
      own scales; no calibration is needed.

    - `int-only` (SwiftTron / I-BERT, SEEDS.md sections 0-1): every
      operator integer. Residual connections (`tosa.add` of two run-time
      tensors of the result's shape) become `tern.add`; `tern.linear`,
      `tern.matmul`, `tern.softmax` (i-exp softmax), `tern.gelu` (i-GELU),
      `tern.layer_norm` (integer LayerNorm) and `tern.add` get `int`. An
      operator without an integer kernel (`tern.relu`, a masked
      `tern.matmul`) is an error naming its ONNX node.
    - `int8-max`: `int` for every operator with an integer kernel
      (`tern.linear`, unmasked `tern.matmul`, `tern.softmax`, `tern.gelu`,
      `tern.layer_norm`), `bf16` for the others; residual adds stay
      `tosa.add` in bf16 (the residual stream is not integer), so each
      LayerNorm input is quantized and each residual branch dequantized.
      Never refuses a model.

    The automatic policy is run by the driver (`tern compile --precision
    auto`), not by this pass.

    `frozen-only` (train steps, `tern compile --finetune --precision
    tataa`): of the operators the policy makes `int`, only the frozen base
    linears keep it: `tern.linear` ops whose weight is a constant and that
    do not carry `tern.derived_weight` (the mark `tern-differentiate` puts
    on every linear it builds: the backward's `g W^T`, the all-ones
    reductions and selections). Every other operator is `bf16`: the LoRA
    products (`tern.matmul` on adapter arguments), attention products, and
    everything the differentiation and the optimizer created. On
    `atleus-3d` the int8 constant-weight linears are what the ReRAM
    crossbars take, so the forward's base products run there and the rest
    of the step on the bf16 systolic tier.

    Per-operator overrides (`overrides=NAME=MODE,...`) apply after the
    policy, to every op whose name matches the glob NAME. An op's name is
    its location's name (the ONNX node, e.g. `/blocks.0/attn/q/Add`).
    `int` applies to the `tern.linear` and `tern.matmul` ops among the
    matches (raised ops may share a node name: attention products carry the
    softmax's). An override that matches no operator, a malformed one, or
    `int` matching only ops without integer kernels is an error.

    Accepts: any function; ops whose precision is already decided (not `f32`)
    are kept unless `override` is set. Produces the same IR with precisions;
    layout ops (`tern.split_heads`, `tern.merge_heads`) carry none.
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    Option<"policy", "policy", "::tern::PrecisionPolicy",
           /*default=*/"::tern::PrecisionPolicy::bf16",
           "Precision policy", [{::llvm::cl::values(
             clEnumValN(::tern::PrecisionPolicy::bf16, "bf16",
                        "every operator in bf16"),
             clEnumValN(::tern::PrecisionPolicy::tataa, "tataa",
                        "matrix operators in int8, the rest in bf16"),
             clEnumValN(::tern::PrecisionPolicy::qdq, "qdq",
                        "int where a QDQ model dequantizes the operands"),
             clEnumValN(::tern::PrecisionPolicy::intOnly, "int-only",
                        "every operator integer (I-BERT / SwiftTron)"),
             clEnumValN(::tern::PrecisionPolicy::int8Max, "int8-max",
                        "int wherever an integer kernel exists, else bf16"))}]>,
    Option<"overrideDecided", "override", "bool", /*default=*/"false",
           "Also change ops whose precision is already decided">,
    Option<"frozenOnly", "frozen-only", "bool", /*default=*/"false",
           "Only frozen base linears (constant weight, not "
           "tern.derived_weight) may be int; everything else bf16">,
    ListOption<"overrides", "overrides", "std::string",
               "Per-operator modes after the policy: NAME=MODE, NAME a glob "
               "over operator names (the ONNX node), MODE bf16 or int">,
  ];
}

def TernQuantize : Pass<"tern-quantize", "::mlir::func::FuncOp"> {
  let summary = "Give int-precision matrix ops uniform quantized operands";
  let description = [{
    For every `tern.linear` and `tern.matmul` whose precision is `int`,
    rewrites the types to the MLIR `quant` dialect's uniform quantized
    types:

    - Activations (linear input, matmul operands): symmetric per-tensor
      scales from calibrated ranges, `S = max(|min|, |max|) / (2^(b-1) - 1)`,
      narrow range `[-(2^(b-1) - 1), 2^(b-1) - 1]` (SEEDS.md I-BERT / TATAA).
      A range is the `tern.range = array<f64: min, max>` attribute on the
      value's producer (or the function argument), written by calibration
      (`tern compile --calib`); layout operations (`tern.split_heads`,
      `tern.merge_heads`, `tosa.reshape`, `tosa.transpose`) are looked
      through because they do not change a tensor's range. A float value
      becomes quantized by a `quant.qcast` placed after its producer (one per
      value and type, shared by every consumer).
    - Weights: symmetric per-tensor from the constant's own min / max at
      `weight-bits` (8, 6 or 4; storage `i8`, `i6`, `i4`, range
      `[-(2^(b-1)-1), 2^(b-1)-1]`), a `quant.qcast` of the constant folded
      into integer constants by the lowering (packed at that width in the
      program file). Activations at `activation-bits` (8, 6 or 4) get the
      same symmetric types (`i4<-7:7>` for 4 bits): `cvt.b2i` and `rq.wide`
      saturate at that width (results below 8 bits are requantized by
      `rq.wide` whatever the variant), one byte per element in memory;
      integer-only kernels refuse narrow activations. With `per-channel`, one scale per
      output column (`!quant.uniform<iB:f32:1, {...}>`, I-BERT's scheme;
      the weight must be a constant or a 2-D transpose of one), and the
      bias per column at `S_x*S_w[n]`; such a linear's result is float (the
      requantization unit applies one multiplier per tile).
    - Bias: `quant.qcast` to `!quant.uniform<i32:f32, S_x*S_w>` (int32 at
      the product scale, added to the accumulator).
    - With `asymmetric-activations`, a linear's calibrated input gets the
      asymmetric parameters (`S = (hi - lo) / 255` with the range widened
      to contain 0, `Z = round(-128 - lo / S)`, type `!quant.uniform<i8:f32,
      S:Z>`); `convert-tern-to-accel` folds `-Z * colsum(W)` into the int32
      bias, so the matrix unit stays zero-point free. Matmul operands and
      int8 results stay symmetric (both operands of a matmul are run-time
      tensors: no constant column sums), and integer-only kernels (I-BERT,
      symmetric) refuse the option.
    - Results: int8 at the result's calibrated scale (requantized by the
      requantization unit) when every consumer, through layout operations,
      is an int-precision matrix op and there is no mask (TATAA's Q / K / V
      and scores.V); otherwise float (the accumulator converted to bf16 with
      the product scale folded in: Q.K^T, the output projection, FC1, FC2).
      Layout operations between an int8 result and its consumers are
      retyped to the quantized type.

    Integer kernels (`int-only`, `int8-max`): when a `tern.softmax`,
    `tern.gelu`, `tern.layer_norm` or `tern.add` is `int`, every int op is
    typed in program order and operands are brought to what the kernel
    takes by `tern.requantize` (integer, not a conversion): matrix-op
    activations int8 at their calibrated scale; a matrix op's result int8
    as above, else its int32 accumulator (`i32` at S_x*S_w*scale); softmax
    takes the int32 product directly (I-BERT), or a narrower requantized
    input where i-exp's constants would not fit 32 bits, and returns int32
    at 2^-8; GELU's input is requantized to the widest width (<= 22 bits)
    whose i-GELU result provably fits 32 bits, the result is int32 at
    |S*S_erf/2|; LayerNorm takes any int32 input and returns int32 at the
    scale of its integer gamma/beta (lib/Quant/IntKernels); a residual add
    requantizes both branches to 22 bits at the sum's calibrated scale.
    Float values entering the integer region get a `quant.qcast` (int8);
    integer values used by float ops get a `quant.dcast`; TOSA gathers and
    slices carry the integer type through.

    QDQ models: an operand that is a `quant.dcast` of a quantized value
    (QuantizeLinear -> DequantizeLinear, or a DequantizeLinear weight) is
    replaced by that value, so the model's own scales are honoured, not
    re-calibrated; casts left without users are erased. A linear's input
    may be asymmetric 8-bit (uint8, or a zero point: the lowering folds it
    into the bias); weights and matmul operands must be symmetric. A Gemm's
    transB weight (`tosa.transpose` of a dequantized int8 constant) becomes
    a transposed int8 constant; an int32 bias dequantized at `S_x * S_w`
    keeps the model's integers. A `QuantizeLinear` (`quant.qcast` to an
    8-bit per-tensor type) as the only use of a float matrix-op result
    becomes the result's type (one requantization of the accumulator, as
    onnxruntime's QLinear kernels), and after a linear `quant.dcast ->
    tosa.clamp [0, +inf) -> quant.qcast` to that same type becomes the
    linear's `relu` (a clamp of the requantized codes at the zero point).

    Conversion minimisation: a precision boundary is one `quant.qcast` per
    (value, type), shared by all consumers; `qcast(dcast(x))` back to `x`'s
    type folds to `x`. The function gets `tern.conversions = N`, the number
    of run-time casts left (each a pass of the requantization unit);
    `tern compile` prints it.

    Accepts: functions whose int-precision ops have constant weights and
    calibrated ranges (or QDQ types) for every activation they need; ops in
    other precisions are left alone. Fails, naming the op and operand, when a
    range is missing or a weight is not constant.
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::quant::QuantizationDialect",
                           "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"activationBits", "activation-bits", "unsigned", /*default=*/"8",
           "Bits of quantized activations: 8, 6 or 4 (storage i8, i6, i4; "
           "not with integer-only kernels)">,
    Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
           "Bits of quantized weights: 8, 6 or 4 (storage i8, i6, i4)">,
    ListOption<"weightBitsOverrides", "weight-bits-overrides", "std::string",
               "Per-layer weight widths after `weight-bits`: NAME=BITS, NAME "
               "a glob on the linear's ONNX node name, BITS 8, 6 or 4; the "
               "last matching entry wins, and one that matches no linear is "
               "an error">,
    Option<"perChannel", "per-channel", "bool", /*default=*/"false",
           "Quantize weights per output column (I-BERT) instead of per "
           "tensor (TATAA); such linears return float">,
    Option<"asymmetricActivations", "asymmetric-activations", "bool",
           /*default=*/"false",
           "Calibrated inputs of int linears asymmetric (int8 with a zero "
           "point, folded into the int32 bias by the lowering); matmul "
           "operands and int8 results stay symmetric; 8-bit only, not with "
           "integer-only kernels">,
    Option<"int8Outputs", "int8-outputs", "bool", /*default=*/"true",
           "Keep results feeding only int ops in int8 (off: every matrix op "
           "returns float)">,
  ];
}

//===----------------------------------------------------------------------===//
// Raising: imported TOSA patterns -> graph-level tern ops (tern-raise)
//===----------------------------------------------------------------------===//

def TernRaiseSoftmax : Pass<"tern-raise-softmax", "::mlir::func::FuncOp"> {
  let summary = "Fuse decomposed softmax and log-softmax into tern ops";
  let description = [{
    Softmax and LogSoftmax spelled out (ONNX's function bodies, the
    backend tests' `_expanded` models, exporters that decompose them)
    arrive as

    ```
    m = reduce_max(x, a)    d = x - m    e = exp(d)    s = reduce_sum(e, a)
    softmax:     y = e * reciprocal(s)      (either operand order)
    log-softmax: y = d - log(s)
    ```

    Accepts: that chain over any one axis `a` of a float `x` (the max taken
    of the same `x`), each intermediate used only inside the chain. Produces:
    `tern.softmax` / `tern.log_softmax` over the last dimension, with a
    `tosa.transpose` moving `a` there and back when it is not last (as the
    importer does for the ONNX ops). One fused kernel instead of five
    vector / SFU passes, and `x - max` formed in f32 inside the SFU (a
    program input kept in f32 keeps 10000 and 10003 apart). Leaves alone:
    a max or sum over another axis or of another value, a softmax without
    the max subtraction, and intermediates with other users.
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numSoftmaxes", "num-softmaxes", "Number of softmaxes formed">,
    Statistic<"numLogSoftmaxes", "num-log-softmaxes",
              "Number of log-softmaxes formed">,
  ];
}

def TernRaiseLayerNorm : Pass<"tern-raise-layer-norm", "::mlir::func::FuncOp"> {
  let summary = "Fuse decomposed layer normalization into tern.layer_norm";
  let description = [{
    Exports below opset 17 spell LayerNorm out; the importer turns that into

    ```
    mean = reduce_sum(x, last) * 1/N          d = x - mean
    var  = reduce_sum(pow(d, 2) | d*d, last) * 1/N
    inv  = rsqrt(var + eps) | reciprocal(sqrt(var + eps))   (sqrt = reciprocal(rsqrt))
    y    = (d * inv) [* gamma] [+ beta]
    ```

    Accepts: that chain over the last dimension, with 1/N matching the
    dimension size, `eps` a splat constant, the variance computed from the
    same `d`, and `gamma` / `beta` constants (any rank, broadcasting over the
    last dimension only) in either operand order. Produces: one
    `tern.layer_norm` (missing gamma / beta become ones / zeros) and a reshape
    only where the imported result rank differs. Leaves alone: reductions
    over other axes, mismatched 1/N or variance sources, run-time gamma /
    beta, and intermediates with other users (the chain stays as it is).
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numLayerNorms", "num-layer-norms",
              "Number of tern.layer_norm ops formed">,
  ];
}

def TernRaiseGelu : Pass<"tern-raise-gelu", "::mlir::func::FuncOp"> {
  let summary = "Fuse erf and tanh GELU formulas into tern.gelu";
  let description = [{
    Accepts the products `x * 0.5 * (1 + erf(x * 0.7071068))` (the importer
    turns `x / sqrt(2)` into a multiplication) in the association orders that
    exporters produce (`(x * a) * 0.5`, `x * (a * 0.5)`, `(x * 0.5) * a`,
    with either operand order of every multiplication and addition), and the
    tanh approximation `x * 0.5 * (1 + tanh(0.7978846 * (x + 0.044715 *
    x^3)))` with `x^3` as `pow(x, 3)` or a product of three `x`. Constants
    are splat `tosa.const`s, compared with a relative tolerance of 1e-3.
    Produces: `tern.gelu` with `approximation <erf>` or `<tanh>`. Leaves
    alone: other constants, a different `x` inside and outside, and
    intermediates with other users.
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let statistics = [
    Statistic<"numErfGelus", "num-erf-gelus", "Number of erf GELUs formed">,
    Statistic<"numTanhGelus", "num-tanh-gelus", "Number of tanh GELUs formed">,
  ];
}

def TernRaiseLinear : Pass<"tern-raise-linear", "::mlir::func::FuncOp"> {
  let summary = "Fuse MatMul/Gemm with constant weights (+ bias) into tern.linear";
  let description = [{
    The importer lowers `x[..., K] x W[K, N]` to `reshape(tosa.matmul(
    reshape(x) : [1, P, K], reshape(W) : [1, K, N])) : [..., N]`. When `W` is
    constant-like (computed from `tosa.const`s only through reshapes,
    transposes, casts and quant casts, e.g. Gemm's transposed weight or a
    dequantized int8 weight), this becomes `tern.linear %x, %W`. A following
    `tosa.add` of a constant-like bias that broadcasts over the last
    dimension only is fused as the bias. Produces: `tern.linear` on the
    original (un-reshaped) activation, rank 2 to 4. Leaves alone: products of
    two run-time tensors (attention), batched 3-D weights, and inputs of rank
    1 or above 4.
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numLinears", "num-linears", "Number of tern.linear ops formed">,
    Statistic<"numBiasesFused", "num-biases-fused",
              "Number of bias additions fused into tern.linear">,
  ];
}

def TernRaiseAttention : Pass<"tern-raise-attention", "::mlir::func::FuncOp"> {
  let summary = "Raise scaled, masked softmax attention and head split/merge";
  let description = [{
    Anchored at `tern.softmax`: accepts `softmax(scale * Q x K^T [+ mask])`
    whose product is a `tosa.matmul` (through the importer's reshapes), with
    the scale as splat constant multiplications of the scores or of Q, and
    the mask either added (`tosa.add`) or selected (`tosa.select(m, -inf,
    s)` / `select(m, s, -inf)`, turned into an additive mask computed on the
    mask's own shape). `K^T` may be a transpose (folded into
    `transpose_rhs`). Produces: `tern.matmul` (scores, with `transpose_rhs`,
    `scale` and `mask`), the `tern.softmax`, and `tern.matmul` for the
    context product `P x V` when the probabilities feed one; operands keep
    the rank the model computes in (4-D [B, H, S, Dh] or 3-D [B*H, S, Dh]).

    Also forms `tern.split_heads` from reshape [B, S, D] -> [B, S, H, Dh] +
    transpose(0, 2, 1, 3) and `tern.merge_heads` from transpose(0, 2, 1, 3)
    + reshape back. Leaves alone: softmax not over a matrix product,
    non-splat or non-constant scales, masks with finite fill values (not
    exactly additive), and masks that do not broadcast to the scores.
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numScores", "num-scores", "Number of attention score products formed">,
    Statistic<"numMasksFused", "num-masks-fused", "Number of masks fused into scores">,
    Statistic<"numContexts", "num-contexts", "Number of context products formed">,
    Statistic<"numSplitHeads", "num-split-heads", "Number of tern.split_heads formed">,
    Statistic<"numMergeHeads", "num-merge-heads", "Number of tern.merge_heads formed">,
  ];
}

//===----------------------------------------------------------------------===//
// Fine-tuning (issue 10, docs/FineTuning.md)
//===----------------------------------------------------------------------===//

def TernInsertLora : Pass<"tern-insert-lora", "::mlir::func::FuncOp"> {
  let summary = "Add trainable low-rank (LoRA) adapters to chosen tern.linear ops";
  let description = [{
    For every targeted frozen `tern.linear` `y = x W (+ b)` with `x`
    `[..., K]` and `W` `[K, N]`, adds the LoRA branch (Hu et al.; Atleus,
    SEEDS.md section 5)

    ```
    y' = y + (alpha / r) * (x A) B        A: [K, r], B: [r, N]
    ```

    as `tosa.reshape` of `x` to `[P, K]`, two `tern.matmul` (the second
    carries `scale = alpha / r`), a reshape back and a `tosa.add`; every
    former use of `y` reads `y'`.

    Trainable parameters are **function arguments** appended after the
    existing ones, in program order of the targeted linears (A then B for
    each), so that a training program receives the current adapters as
    inputs and returns their gradients (`tern-differentiate`). Each carries
    the argument attributes `tern.trainable` (unit), `onnx.name`
    (`<layer>_lora_a` / `<layer>_lora_b`, the layer's ONNX node name with
    every character other than a letter, digit or `_` replaced by `_`; the
    program input name) and `tern.init` (the initial value, a dense f32
    constant): A is Kaiming-uniform as in PyTorch's LoRA (`U(-1/sqrt(K),
    1/sqrt(K))`, from a `std::mt19937` seeded with `seed` and mapped to
    floats by this pass, so the values do not depend on the C++ library),
    B is zero, so the adapted function computes exactly the original one
    until B is trained.

    Targets (`targets`, default `q,v`): an entry with a glob character
    (`*`, `?`, `[`) is matched against the whole operator name (the ONNX
    node, e.g. `/attn/q/Gemm`); any other entry matches an operator whose
    whole name, or one of its components split at `/` and `.`, equals it
    (`q` matches `/blocks.0/attn/q/MatMul`). Only `tern.linear` ops are
    candidates.

    Errors (nothing is changed): a target that matches no linear (naming
    it), `rank` 0 or larger than `min(K, N)` of a targeted layer (naming the
    layer and its sizes), a quantized targeted linear (insert adapters
    before `tern-quantize`).
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"rank", "rank", "unsigned", /*default=*/"8",
           "LoRA rank r (1 .. min(d_in, d_out) of every targeted layer)">,
    ListOption<"targets", "targets", "std::string",
               "Linears to adapt: names, name components or globs over ONNX "
               "node names (default q,v)">,
    Option<"alpha", "alpha", "double", /*default=*/"0.0",
           "LoRA alpha; the branch is scaled by alpha / rank (0: alpha = "
           "rank, scale 1)">,
    Option<"seed", "seed", "unsigned", /*default=*/"0",
           "Seed of the Kaiming-uniform initialisation of A">,
  ];
  let statistics = [
    Statistic<"numAdapted", "num-adapted", "Number of linears given adapters">,
  ];
}

def TernDifferentiate : Pass<"tern-differentiate", "::mlir::func::FuncOp"> {
  let summary = "Turn a forward function into a train step: loss and gradients";
  let description = [{
    Reverse-mode differentiation on the `tern` dialect. Accepts a function
    with one result (the prediction) and at least one argument marked
    `tern.trainable` (e.g. by `tern-insert-lora`). Rewrites it in place into
    a train step:

    - arguments: the original ones, then `label` (the prediction's shape;
      for `ce` the target distribution over the last axis, e.g. one-hot),
      marked `tern.label`;
    - results: first `loss` (`mse`: `tensor<1x1xf32>`, the mean of squared
      errors) or, for `ce`, `probs` (the softmax probabilities the gradient
      is computed from; the ISA has no logarithm, so the cross-entropy
      value `-sum(label * log probs) / rows` is left to the host), then
      `grad_<param>` for every trainable argument, in argument order.

    With `sgd-lr` > 0 the train step also applies plain SGD on the vector
    unit: the results after the loss are the updated parameters
    `p - lr * grad` (a `tosa.mul` by the splat `lr` and a `tosa.sub`),
    named like the parameters (`onnx.name`), so a driver feeds each step's
    outputs back as the next step's inputs. Parameters live in bf16
    between steps (no f32 master copy): an update smaller than half a
    bf16 ulp of the parameter is lost.

    Only trainable arguments get gradients: frozen weights (constants) get
    none, but activations back-propagate through frozen operators to reach
    every trainable parameter. Operators that do not depend on a trainable
    argument are not differentiated.

    Every generated operator is an ordinary `tern` / TOSA operator the
    existing lowering compiles (docs/FineTuning.md has the formulas):

    - `tern.linear` (constant W): `dx = g W^T` (a `tern.linear` with the
      transposed constant); `tern.matmul`: two `tern.matmul`, with a
      `tosa.transpose` of the last two dimensions where a left operand must
      be transposed, and the forward `scale`;
    - `tern.softmax`: `dx = y * (g - rowsum(g * y))`; `tern.layer_norm`:
      `dx = (g' - mean(g') - xhat * mean(g' * xhat)) / sigma`, `g' = g *
      gamma`; row sums and means are `tern.linear` with constant all-ones
      matrices (f32 accumulation, the result already broadcast over the
      row), and `1/sigma` is read from a `tern.layer_norm` of the centred
      row extended by two constant columns `+c, -c`;
    - `tern.gelu`: `s + x z' s (1 - s)` with `s = sigmoid(z)`, `z = 2
      sqrt(2/pi) (x + 0.044715 x^3)`, both `s` and `1 - s` from one
      `tern.softmax` over `[z, 0]` (the tanh form's exact derivative; for
      the erf form it differs from the exact one by at most 8.7e-4);
      `tern.relu`: `g * step(x)`, `step(x) = 1 - max(1 - relu(x) * 2^100,
      0)`;
    - `tern.add`, `tosa.add`, `tosa.sub`, `tosa.mul` (operands of the
      result's shape, or a constant operand), `tosa.reshape`,
      `tosa.transpose`, `tern.split_heads`, `tern.merge_heads`;
      `tosa.gather` with constant indices (a classifier's CLS token): the
      transposed adjoint times a constant one-hot selection;
    - losses: `mse` (`grad = 2 (y - t) / numel`), `ce` (softmax
      cross-entropy over the last axis, `grad = (softmax(y) - t) / rows`).

    Errors: an operator on the differentiated path without an adjoint,
    naming its ONNX node and operator (`tosa.exp`, a mask that depends on a
    parameter, a broadcasting run-time operand, a linear whose weight is
    trainable, ...); no trainable argument; a function without exactly one
    result; an unknown loss, a negative `sgd-lr`.
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"loss", "loss", "std::string", /*default=*/"\"mse\"",
           "Loss: mse or ce (softmax cross-entropy over the last axis)">,
    Option<"sgdLr", "sgd-lr", "double", /*default=*/"0.0",
           "If > 0, return the SGD-updated parameters p - lr * grad "
           "(named like the parameters) instead of the gradients">,
  ];
}

def TernApplyOptimizer : Pass<"tern-apply-optimizer", "::mlir::func::FuncOp"> {
  let summary = "Append an optimizer update (SGD or Adam) to a train step";
  let description = [{
    Consumes a train step that `tern-differentiate` (without `sgd-lr`)
    wrote: results `loss | probs`, then `grad_<param>` for every argument
    marked `tern.trainable`, in argument order. Replaces every gradient by
    the updated parameter, named like the parameter (`onnx.name`), so a
    driver feeds each step's outputs back as the next step's inputs.

    - `optimizer=sgd`: `p - lr * g` (the same operators as
      `tern-differentiate{sgd-lr=...}`).
    - `optimizer=adam`: adds, after the existing arguments, the state
      `adam_m_<param>` and `adam_v_<param>` of every parameter (its shape,
      zero before the first step) and two `tensor<1x1xf32>` bias
      corrections `adam_c1 = 1 / (1 - beta1^t)` and
      `adam_c2 = 1 / (1 - beta2^t)` that the driver computes for step `t`
      (1, 2, ...), so the program does not depend on the step. It returns
      the updated parameters, then the new `adam_m_*`, then the new
      `adam_v_*`, named like the state inputs:

      ```
      m' = m + (1 - beta1) (g - m)
      v' = v + (1 - beta2) (g g - v)
      p' = p - lr (c1 m') rsqrt(c2 v' + eps^2)
      ```

      The moments are updated in the "m + (1 - beta) (g - m)" form because
      `beta2 = 0.999` rounds to 1 in a bf16 constant register while
      `1 - beta2` does not. The denominator is `sqrt(v_hat + eps^2)`
      (`tosa.rsqrt`, the SFU's `bsfu.isqrt`) instead of PyTorch's
      `sqrt(v_hat) + eps`: the ISA has no square root or division, and the
      two agree when `v_hat >> eps^2` and differ by at most a factor
      `sqrt(2)` when `sqrt(v_hat)` is `eps`. The products with the run-time
      scalars work on the state reshaped to `[numel, 1]` (the vector unit
      broadcasts one row). The state lives in bf16 between steps, like the
      parameters.

    With `accumulate` (gradient accumulation, `tern train --batch B`), the
    step also takes `grad_acc_<param>` (the sum of the gradients of the
    batch's earlier samples, zero for the first) and `grad_scale`
    (`tensor<1x1xf32>`, `1 / B`), feeds the optimizer
    `(grad_acc + g) * grad_scale` instead of `g`, and returns
    `grad_acc + g` as `grad_acc_<param>` after everything else. A driver
    runs the step once per sample of the batch with the parameters and
    optimizer state of the batch's start, and keeps the updated
    parameters and state of the batch's last sample only: one update from
    the batch's mean gradient, on the accelerator, and one program for any
    batch size.

    The function gets the string attribute `tern.optimizer`
    (`adam lr=... beta1=... beta2=... eps=...` or `sgd lr=...`), which the
    program file carries for `tern train`.

    Errors (nothing is changed): an unknown optimizer; `lr` not positive;
    `beta1` or `beta2` outside `[0, 1)`; `eps` not positive; a function
    that is not a gradient train step (no `tern.loss`, already updated, or
    results that do not match the trainable arguments).
  }];
  let dependentDialects = ["::tern::TernDialect", "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd or adam">,
    Option<"lr", "lr", "double", /*default=*/"0.01", "Learning rate">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9",
           "Adam: decay of the first moment, in [0, 1)">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999",
           "Adam: decay of the second moment, in [0, 1)">,
    Option<"eps", "eps", "double", /*default=*/"1e-8",
           "Adam: epsilon (> 0), added in quadrature to sqrt(v_hat)">,
    Option<"accumulate", "accumulate", "bool", /*default=*/"false",
           "Gradient accumulation over a batch: grad_acc_<param> and "
           "grad_scale inputs, the running sums as extra results">,
  ];
}

#endif // TERN_PASSES_TD
