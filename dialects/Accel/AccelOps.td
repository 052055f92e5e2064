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
    two buffers are equal; a sub-tile of a larger DRAM tensor is addressed
    with `memref.subview` on the source.

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

    Example:

    ```mlir
    accel.gemm %a, %b, %c accumulate
        : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>,
          memref<32x32xi32, #accel.space<acc>>
    ```
  }];
  let arguments = (ins Arg<Accel_ActBuffer, "", [MemRead]>:$lhs,
                       Arg<Accel_WgtBuffer, "", [MemRead]>:$rhs,
                       Arg<Accel_AccBuffer, "", [MemRead, MemWrite]>:$acc,
                       UnitAttr:$accumulate);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc (`accumulate` $accumulate^)? attr-dict `:`
    type($lhs) `,` type($rhs) `,` type($acc)
  }];
  let hasVerifier = 1;
}

#endif // ACCEL_OPS_TD
