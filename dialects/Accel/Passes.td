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

def AccelPartitionCores
    : Pass<"accel-partition-cores", "::mlir::ModuleOp"> {
  let summary = "Spread tiles across the target's cores, with barriers";
  let description = [{
    Assigns every accel op of the single-block `main`-style functions to one
    of `cores` cores (the `accel.core` attribute) and inserts
    `accel.barrier` where cores must meet. The unit of assignment is a tile
    group: the ops connected through scratchpad buffers (a tile is loaded,
    computed on and stored by one core, whose scratchpads hold it). Groups
    are taken in program order; each goes to the core expected to finish
    first (work estimated from its MACs, lane elements and DMA bytes) among
    those whose DRAM accesses do not conflict (read-after-write,
    write-after-read, write-after-write) with another core's since the last
    barrier. A group that conflicts with exactly one core goes to that core
    (a consumer's tile stays with its producer); one that conflicts with two
    or more cores starts a new phase: a barrier before it. Before the first
    group of each ONNX node's tiles (ops of one location), both choices are
    tried on a copy of the state, as they are or with a barrier first, and
    the barrier is inserted when the node's tiles are then expected to end
    sooner (`barrier-cost` work units per barrier): that is what spreads a
    node whose tiles would all follow the one core holding their input.
    Groups that read or set run-time token counts (token ops, `accel.len_*`
    tags) stay on core 0, which holds the length registers.

    Scratchpad addresses are unchanged (each core has its own scratchpads
    of the same size, and a core's tiles are a subset of the one-core
    program's, live over the same intervals). `accel-insert-sync` then
    orders each core's queues and the emitter writes one instruction stream
    per core. The module records the count as `accel.cores`.

    Accepts: the output of `accel-allocate-buffers`, before
    `accel-insert-sync`. With `cores` = 1 it changes nothing.
  }];
  let dependentDialects = ["::tern::accel::AccelDialect"];
  let options = [
    Option<"cores", "cores", "unsigned", /*default=*/"1",
           "Cores to spread the program across (1..16)">,
    Option<"barrierCost", "barrier-cost", "int64_t", /*default=*/"256",
           "What a barrier is expected to cost, in work units (about "
           "cycles)">,
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

    In a partitioned program (`accel.core` attributes) each core has its
    own queues: only accesses of the same core are compared, the push/pop
    pairs carry the op's core, and an `accel.barrier` orders everything
    before it (every queue of every core has drained).

    Accepts: the output of `accel-allocate-buffers` (and
    `accel-partition-cores`). Produces: the same ops with push/pop pairs;
    since every pop follows its push in program order, executing the queues
    concurrently cannot deadlock.
  }];
  let dependentDialects = ["::tern::accel::AccelDialect"];
}

#endif // ACCEL_PASSES_TD
