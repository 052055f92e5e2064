// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// A causal mask made of constants (slice of a lower triangle, == 0, select
// -inf / 0) folds into one additive constant before the conversion: the
// triangle's upper part becomes -inf (0xFF80 in bf16), the rest 0.
// CHECK-LABEL: memref.global "private" constant @__tern_constant{{.*}} : memref<1x1x3x3xbf16> = dense<{{\[\[\[\[}}0.000000e+00, 0xFF80, 0xFF80], [0.000000e+00, 0.000000e+00, 0xFF80], [0.000000e+00, 0.000000e+00, 0.000000e+00]]]]>
// CHECK-LABEL: func @causal
// CHECK: accel.gemm
func.func @causal(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x3x4xf32>) -> tensor<1x2x3x3xf32> {
  %tri = "tosa.const"() <{value = dense<[[[[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]]]> : tensor<1x1x4x4xf32>}> : () -> tensor<1x1x4x4xf32>
  %zero = "tosa.const"() <{value = dense<0.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %ninf = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1x3x3xf32>}> : () -> tensor<1x1x3x3xf32>
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<1x1x3x3xf32>}> : () -> tensor<1x1x3x3xf32>
  %s = tosa.slice %tri {size = array<i64: 1, 1, 3, 3>, start = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  %eq = tosa.equal %s, %zero : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xi1>
  %m = tosa.select %eq, %ninf, %zeros : (tensor<1x1x3x3xi1>, tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %r = tern.matmul %q, %k mask %m transpose_rhs scale 5.000000e-01 precision <bf16> : tensor<1x2x3x4xf32>, tensor<1x2x3x4xf32>, tensor<1x1x3x3xf32> -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

// A run-time key-padding mask: the boolean input is a bf16 0 / 1 buffer,
// repeated over heads by copies (tosa.tile) and made additive as
// mask * (-1e30 - 0) on the vector unit (the infinite arm is finite here
// because the select only feeds a mask operand).
// CHECK-LABEL: func @padding
// CHECK-SAME: %[[PAD:.*]]: memref<1x3xbf16>
// CHECK-COUNT-2: accel.dma_store
// CHECK: accel.vector_const <mul> {{.*}} -1.000000e+30
// CHECK-NOT: accel.vector_const <add>
// CHECK: accel.gemm
func.func @padding(%q: tensor<2x3x4xf32>, %k: tensor<2x3x4xf32>, %pad: tensor<1x3xi1>) -> tensor<2x3x3xf32> {
  %ninf = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<2x1x3xf32>}> : () -> tensor<2x1x3xf32>
  %r1 = tosa.reshape %pad {new_shape = array<i64: 1, 1, 1, 3>} : (tensor<1x3xi1>) -> tensor<1x1x1x3xi1>
  %t = tosa.tile %r1 {multiples = array<i64: 1, 2, 1, 1>} : (tensor<1x1x1x3xi1>) -> tensor<1x2x1x3xi1>
  %r2 = tosa.reshape %t {new_shape = array<i64: 2, 1, 3>} : (tensor<1x2x1x3xi1>) -> tensor<2x1x3xi1>
  %m = tosa.select %r2, %ninf, %zeros : (tensor<2x1x3xi1>, tensor<1x1x1xf32>, tensor<2x1x3xf32>) -> tensor<2x1x3xf32>
  %r = tern.matmul %q, %k mask %m transpose_rhs scale 5.000000e-01 precision <bf16> : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x1x3xf32> -> tensor<2x3x3xf32>
  return %r : tensor<2x3x3xf32>
}

// -----

// Token ids: the i64 input is an i32 buffer (narrowed when bound), the cast
// disappears, and the ids are loaded into the vec scratchpad and gathered
// from the DRAM table by accel.dma_gather, in tiles of at most tile-m rows
// (and never more than 63, load.gather's row field).
// CHECK-LABEL: func @embed
// CHECK-SAME: %[[IDS:.*]]: memref<1x70xi32>
// CHECK: accel.dma_load {{.*}} : memref<32xi32, {{.*}}>, memref<32xi32, #accel.space<vec>>
// CHECK: accel.dma_gather {{.*}} : memref<100x8xbf16, {{.*}}>, memref<32xi32, #accel.space<vec>>, memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.dma_gather
// CHECK: accel.dma_load {{.*}} : memref<6xi32, strided<[1], offset: 64>>
// CHECK: accel.dma_gather {{.*}} memref<6x8xbf16, #accel.space<act>>
func.func @embed(%ids: tensor<1x70xi64>) -> tensor<1x70x8xf32> {
  %table = "tosa.const"() <{value = dense<0.5> : tensor<1x100x8xf32>}> : () -> tensor<1x100x8xf32>
  %i = tosa.cast %ids : (tensor<1x70xi64>) -> tensor<1x70xi32>
  %g = tosa.gather %table, %i : (tensor<1x100x8xf32>, tensor<1x70xi32>) -> tensor<1x70x8xf32>
  return %g : tensor<1x70x8xf32>
}
