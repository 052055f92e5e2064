//===- AccelDialect.td - hardware-level accelerator dialect -*- tablegen -*-===//
//
// The `accel` dialect models the accelerator's units on explicit buffers:
// memrefs whose memory space says which memory holds them (DRAM or one of the
// scratchpads). Ops map one-to-one onto instruction families of the ISA
// (DMA, GEMM tile, VECTOR, SFU, TOKEN, SYNC), so emission is a table lookup.
//
//===----------------------------------------------------------------------===//

#ifndef ACCEL_DIALECT_TD
#define ACCEL_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Accel_Dialect : Dialect {
  let name = "accel";
  let cppNamespace = "::tern::accel";
  let summary = "Hardware-level accelerator operations on scratchpad buffers";
  let description = [{
    Operations of the Tern accelerator on memrefs in explicit memory spaces:
    `#accel.space<dram>` for off-chip memory and `act`, `wgt`, `acc`, `vec`
    for the activation, weight, accumulator and vector scratchpads. A value's
    memory space is part of its type, so the verifier rejects, for example, a
    GEMM that reads weights from the activation scratchpad.
  }];
  let useDefaultAttributePrinterParser = 1;
  // `accel.core`: the core of a partitioned program an op runs on
  // (accel-partition-cores).
  let hasOperationAttrVerify = 1;
}

def Accel_SpaceDram : I32EnumAttrCase<"dram", 0>;
def Accel_SpaceAct : I32EnumAttrCase<"act", 1>;
def Accel_SpaceWgt : I32EnumAttrCase<"wgt", 2>;
def Accel_SpaceAcc : I32EnumAttrCase<"acc", 3>;
def Accel_SpaceVec : I32EnumAttrCase<"vec", 4>;

def Accel_MemorySpace : I32EnumAttr<"MemorySpace",
    "memory that holds a buffer",
    [Accel_SpaceDram, Accel_SpaceAct, Accel_SpaceWgt, Accel_SpaceAcc,
     Accel_SpaceVec]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_MemorySpaceAttr
    : EnumAttr<Accel_Dialect, Accel_MemorySpace, "space"> {
  let summary = "memory space of a buffer: dram, act, wgt, acc or vec";
  let assemblyFormat = "`<` $value `>`";
}

def Accel_VectorKindAdd : I32EnumAttrCase<"add", 0>;
def Accel_VectorKindSub : I32EnumAttrCase<"sub", 1>;
def Accel_VectorKindMul : I32EnumAttrCase<"mul", 2>;
def Accel_VectorKindMax : I32EnumAttrCase<"max", 3>;
// rsfu.pow (bf16 only): lhs ^ rhs.
def Accel_VectorKindPow : I32EnumAttrCase<"pow", 4>;
// vcmp: a bf16 0 / 1 result (a boolean) from bf16 or i32 operands.
def Accel_VectorKindEq : I32EnumAttrCase<"eq", 5>;
def Accel_VectorKindNe : I32EnumAttrCase<"ne", 6>;
def Accel_VectorKindGt : I32EnumAttrCase<"gt", 7>;
def Accel_VectorKindGe : I32EnumAttrCase<"ge", 8>;
def Accel_VectorKindLt : I32EnumAttrCase<"lt", 9>;
def Accel_VectorKindLe : I32EnumAttrCase<"le", 10>;
// div is not the vector unit's: the SFU's correctly rounded division
// (rsfu.div), which reads its operands the same ways (bf16 only).
def Accel_VectorKindDiv : I32EnumAttrCase<"div", 11>;
// rdiv is b / a (rsfu.div rev=1): with a constant, C / x (a reciprocal).
def Accel_VectorKindRdiv : I32EnumAttrCase<"rdiv", 12>;

def Accel_VectorKind : I32EnumAttr<"VectorKind",
    "element-wise operation of the vector unit",
    [Accel_VectorKindAdd, Accel_VectorKindSub, Accel_VectorKindMul,
     Accel_VectorKindMax, Accel_VectorKindPow, Accel_VectorKindEq,
     Accel_VectorKindNe, Accel_VectorKindGt, Accel_VectorKindGe,
     Accel_VectorKindLt, Accel_VectorKindLe, Accel_VectorKindDiv,
     Accel_VectorKindRdiv]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_VectorKindAttr : EnumAttr<Accel_Dialect, Accel_VectorKind, "vector"> {
  let summary = "vector-unit operation: add, sub, mul, max, pow, a "
                "comparison (eq, ne, gt, ge, lt, le); div, rdiv (SFU)";
  let assemblyFormat = "`<` $value `>`";
}

// An int32 result of the SFU's f32 power or quotient (rsfu.pow / rsfu.div
// `toint`), without rounding it to bf16 first: truncated toward zero (ONNX
// Pow of an integer base and a float exponent) or rounded to nearest, ties
// to even (ONNX QuantizeLinear's round(x / scale)). The values are the
// instructions' `toint` field.
def Accel_ToIntTrunc : I32EnumAttrCase<"trunc", 1>;
def Accel_ToIntRne : I32EnumAttrCase<"rne", 2>;

def Accel_ToInt : I32EnumAttr<"ToInt",
    "rounding of an SFU result written as an integer",
    [Accel_ToIntTrunc, Accel_ToIntRne]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_ToIntAttr : EnumAttr<Accel_Dialect, Accel_ToInt, "to_int"> {
  let summary = "int32 result of a pow or division: trunc or rne";
  let assemblyFormat = "`<` $value `>`";
}

def Accel_SfuFunctionExp : I32EnumAttrCase<"exp", 0>;
def Accel_SfuFunctionTanh : I32EnumAttrCase<"tanh", 1>;
def Accel_SfuFunctionSigmoid : I32EnumAttrCase<"sigmoid", 2>;
def Accel_SfuFunctionErf : I32EnumAttrCase<"erf", 3>;
def Accel_SfuFunctionLog : I32EnumAttrCase<"log", 4>;

// The values are the `fn` field of rsfu.fn (runtime/isa/Instructions.def).
def Accel_SfuFunction : I32EnumAttr<"SfuFunction",
    "element-wise function of the special-function unit",
    [Accel_SfuFunctionExp, Accel_SfuFunctionTanh, Accel_SfuFunctionSigmoid,
     Accel_SfuFunctionErf, Accel_SfuFunctionLog]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_SfuFunctionAttr
    : EnumAttr<Accel_Dialect, Accel_SfuFunction, "sfu_fn"> {
  let summary = "SFU function: exp, tanh, sigmoid, erf or log";
  let assemblyFormat = "`<` $value `>`";
}

def Accel_ReduceKindSum : I32EnumAttrCase<"sum", 0>;
def Accel_ReduceKindMax : I32EnumAttrCase<"max", 1>;

def Accel_ReduceKind : I32EnumAttr<"ReduceKind", "row reduction",
    [Accel_ReduceKindSum, Accel_ReduceKindMax]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_ReduceKindAttr : EnumAttr<Accel_Dialect, Accel_ReduceKind, "reduce"> {
  let summary = "row reduction: sum or max";
  let assemblyFormat = "`<` $value `>`";
}

def Accel_RequantIbert : I32EnumAttrCase<"ibert", 0>;
def Accel_RequantSwiftTron : I32EnumAttrCase<"swifttron", 1>;
def Accel_RequantTataa : I32EnumAttrCase<"tataa", 2>;
def Accel_RequantElastic : I32EnumAttrCase<"elastic", 3>;

def Accel_RequantVariant : I32EnumAttr<"RequantVariant",
    "requantization arithmetic of the requantization unit",
    [Accel_RequantIbert, Accel_RequantSwiftTron, Accel_RequantTataa,
     Accel_RequantElastic]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_RequantVariantAttr
    : EnumAttr<Accel_Dialect, Accel_RequantVariant, "requant"> {
  let summary = "requantization variant: ibert, swifttron, tataa or elastic";
  let assemblyFormat = "`<` $value `>`";
}

def Accel_QueueLoad : I32EnumAttrCase<"load", 0>;
def Accel_QueueCompute : I32EnumAttrCase<"compute", 1>;
def Accel_QueueStore : I32EnumAttrCase<"store", 2>;

def Accel_Queue : I32EnumAttr<"Queue", "instruction queue",
    [Accel_QueueLoad, Accel_QueueCompute, Accel_QueueStore]> {
  let cppNamespace = "::tern::accel";
  let genSpecializedAttr = 0;
}

def Accel_QueueAttr : EnumAttr<Accel_Dialect, Accel_Queue, "queue"> {
  let summary = "instruction queue: load, compute or store";
  let assemblyFormat = "`<` $value `>`";
}

class Accel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Accel_Dialect, mnemonic, traits>;

#endif // ACCEL_DIALECT_TD
