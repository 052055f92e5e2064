//===- Passes.td - passes on the accel dialect --------------*- tablegen -*-===//
//
// Passes that prepare tile programs for emission. Each lives in its own file
// under lib/Dialect/Accel/Transforms/ and is lit-tested in
// test/Dialect/Accel/<argument>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef ACCEL_PASSES_TD
#define ACCEL_PASSES_TD

include "mlir/Pass/PassBase.td"

def AccelAllocateBuffers
    : Pass<"accel-allocate-buffers", "::mlir::ModuleOp"> {
  let summary = "Assign scratchpad and DRAM addresses by liveness";
  let description = [{
    Gives every buffer of a tile program a byte address, attached as the
    `accel.address` attribute (i64):

    - each `memref.alloc` in a scratchpad memory space, by a linear scan
      over the single-block function body: a tile is live from its
      allocation to its last use (through any view of it); freed blocks are
      reused oldest-freed first, which alternates between blocks and so
      leaves the previous tile in place while the next one loads (double
      buffering when capacity allows);
    - DRAM: constants (`memref.global`) first, then function arguments
      (inputs; recorded in the function's `accel.arg_addresses`), then the
      buffers the function returns (outputs) and, reusing space by liveness,
      the intermediate `memref.alloc`s. The total is recorded as the
      module's `accel.dram_size`.

    Every address is aligned to `alignment` bytes. A tile that does not fit
    its scratchpad is an error naming the tile's location (the ONNX node),
    its size and how much is free.

    Accepts: the output of `convert-tern-to-accel` (one block per function,
    static shapes). Leaves the ops themselves unchanged.
  }];
  let dependentDialects = ["::tern::accel::AccelDialect"];
  let options = [
    Option<"actBytes", "act-bytes", "int64_t", /*default=*/"262144",
           "Activation scratchpad size in bytes">,
    Option<"wgtBytes", "wgt-bytes", "int64_t", /*default=*/"262144",
           "Weight scratchpad size in bytes">,
    Option<"accBytes", "acc-bytes", "int64_t", /*default=*/"131072",
           "Accumulator scratchpad size in bytes">,
    Option<"vecBytes", "vec-bytes", "int64_t", /*default=*/"131072",
           "Vector scratchpad size in bytes">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Address alignment in bytes">,
  ];
}

def AccelInsertSync : Pass<"accel-insert-sync", "::mlir::func::FuncOp"> {
  let summary = "Insert push/pop pairs for every cross-queue dependency";
  let description = [{
    The accelerator runs three in-order queues concurrently: `load`
    (`accel.dma_load`), `store` (`accel.dma_store`) and `compute` (every
    other accel op). Program order is the intended semantics; this pass makes
    it hold on the hardware. For each op it computes the byte ranges it reads
    and writes (scratchpad and DRAM, from `accel.address` and the views'
    strides) and, for every earlier access by another queue that conflicts
    (read-after-write, write-after-read, write-after-write) and is not yet
    ordered before it, inserts `accel.push <earlier> to <current>` and
    `accel.pop <earlier> to <current>` just before the op. A queue that has
    already popped a later token from the same queue needs no new one.

    Accepts: the output of `accel-allocate-buffers`. Produces: the same ops
    with push/pop pairs; since every pop follows its push in program order,
    executing the queues concurrently cannot deadlock.
  }];
  let dependentDialects = ["::tern::accel::AccelDialect"];
}

#endif // ACCEL_PASSES_TD
