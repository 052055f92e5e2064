//===- TernDialect.td - graph-level transformer dialect ----*- tablegen -*-===//
//
// The `tern` dialect holds tensor-level transformer operators (linear, matmul,
// layer_norm, softmax, gelu, relu, add, ...). It sits between the imported
// TOSA graph and the hardware-level `accel` dialect. Each op carries the
// numeric mode it will execute in (`#tern.precision<...>`), which the
// precision-selection pass decides and later lowering reads.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TD
#define TERN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Tern_Dialect : Dialect {
  let name = "tern";
  let cppNamespace = "::tern";
  let summary = "Graph-level transformer operators on tensors";
  let description = [{
    Tensor-level operators that match the units of a transformer accelerator:
    a matrix unit for `tern.linear` / `tern.matmul`, a vector or special-
    function unit for the non-linear operators. Operands are ranked tensors
    of floating-point or (once quantized) `!quant.uniform` element types.

    Every op has a `precision` attribute. `f32` means "not yet decided"; the
    precision-selection pass assigns `bf16` (vector lanes / bf16 mode of the
    array) or `int` (integer matrix unit or integer-only SFU kernel) per op.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
}

//===----------------------------------------------------------------------===//
// Enums and attributes
//===----------------------------------------------------------------------===//

def Tern_PrecisionF32 : I32EnumAttrCase<"f32", 0>;
def Tern_PrecisionBF16 : I32EnumAttrCase<"bf16", 1>;
def Tern_PrecisionInt : I32EnumAttrCase<"integer", 2, "int">;

def Tern_Precision : I32EnumAttr<"Precision",
    "numeric mode an operator executes in",
    [Tern_PrecisionF32, Tern_PrecisionBF16, Tern_PrecisionInt]> {
  let cppNamespace = "::tern";
  let genSpecializedAttr = 0;
}

def Tern_PrecisionAttr : EnumAttr<Tern_Dialect, Tern_Precision, "precision"> {
  let summary = "numeric mode: f32 (undecided), bf16 or int";
  let assemblyFormat = "`<` $value `>`";
}

def Tern_GeluApproxErf : I32EnumAttrCase<"erf", 0>;
def Tern_GeluApproxTanh : I32EnumAttrCase<"tanh", 1>;

def Tern_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "formula a GELU follows", [Tern_GeluApproxErf, Tern_GeluApproxTanh]> {
  let cppNamespace = "::tern";
  let genSpecializedAttr = 0;
}

def Tern_GeluApproximationAttr
    : EnumAttr<Tern_Dialect, Tern_GeluApproximation, "gelu_approx"> {
  let summary = "GELU formula: erf (exact) or tanh (approximation)";
  let assemblyFormat = "`<` $value `>`";
}

// tern.to_int: which SFU operation, and how its f32 result becomes an
// integer.
def Tern_ToIntKindPow : I32EnumAttrCase<"pow", 0>;
def Tern_ToIntKindDiv : I32EnumAttrCase<"div", 1>;

def Tern_ToIntKind : I32EnumAttr<"ToIntKind",
    "element-wise operation whose f32 result tern.to_int converts",
    [Tern_ToIntKindPow, Tern_ToIntKindDiv]> {
  let cppNamespace = "::tern";
  let genSpecializedAttr = 0;
}

def Tern_ToIntKindAttr : EnumAttr<Tern_Dialect, Tern_ToIntKind, "to_int_kind"> {
  let summary = "pow or div";
  let assemblyFormat = "`<` $value `>`";
}

def Tern_RoundingTrunc : I32EnumAttrCase<"trunc", 0>;
def Tern_RoundingRne : I32EnumAttrCase<"rne", 1>;

def Tern_Rounding : I32EnumAttr<"Rounding",
    "conversion of a float to an integer",
    [Tern_RoundingTrunc, Tern_RoundingRne]> {
  let cppNamespace = "::tern";
  let genSpecializedAttr = 0;
}

def Tern_RoundingAttr : EnumAttr<Tern_Dialect, Tern_Rounding, "rounding"> {
  let summary = "trunc (toward zero) or rne (to nearest, ties to even)";
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Base op class
//===----------------------------------------------------------------------===//

class Tern_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tern_Dialect, mnemonic, traits>;

#endif // TERN_DIALECT_TD
