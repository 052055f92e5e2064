// RUN: tern-opt %s --convert-tern-to-accel | FileCheck %s

// Element-wise ops on rows wider than the ISA's 12-bit column fields (4095)
// tile a reshaped view: [2 x 8190] is the same bytes as [4 x 4095]. Row
// reductions keep whole rows (a softmax wider than a tile is spilled in
// chunks: wide-row-kernels.mlir).
// CHECK-LABEL: func @wide_gelu
// CHECK: memref.collapse_shape {{.*}} into memref<4x4095xbf16>
// CHECK: accel.gelu %{{.*}}, %{{.*}} : memref<4x4095xbf16, #accel.space<act>>, memref<4x4095xbf16, #accel.space<act>>
// CHECK-NOT: accel.gelu
func.func @wide_gelu(%x: tensor<2x8190xf32>) -> tensor<2x8190xf32> {
  %y = tern.gelu %x precision <bf16> : tensor<2x8190xf32> -> tensor<2x8190xf32>
  return %y : tensor<2x8190xf32>
}

// A width with no divisor near 4095 (4096 = 2^12) takes halves.
// CHECK-LABEL: func @wide_add
// CHECK-COUNT-2: memref.collapse_shape {{.*}} into memref<2x2048xbf16>
// CHECK: accel.vector <add> {{.*}} : memref<2x2048xbf16, #accel.space<act>>
func.func @wide_add(%a: tensor<1x4096xf32>, %b: tensor<1x4096xf32>) -> tensor<1x4096xf32> {
  %y = tern.add %a, %b precision <bf16> : tensor<1x4096xf32>, tensor<1x4096xf32> -> tensor<1x4096xf32>
  return %y : tensor<1x4096xf32>
}
