// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests tosa.matmul of two run-time operands (ONNX MatMul / Gemm of graph
// inputs, left by the raising passes): one GEMM per batch, the right operand
// loaded into the weight scratchpad, f32 accumulation converted to bf16.
// Batch 2 of [3 x 4] x [4 x 5].
// CHECK-LABEL: func @matmul
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<3x4xbf16, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[W:[^ ]*]] : {{.*}}, memref<4x5xbf16, #accel.space<wgt>>
// CHECK: accel.gemm %[[A]], %[[W]], %[[ACC:[^ ]*]] {{.*}}memref<3x5xf32, #accel.space<acc>>
// CHECK: accel.convert %[[ACC]], %[[R:[^ ]*]]
// CHECK: accel.dma_store %[[R]]
// The second batch reads and writes at element offsets 12, 20 and 15.
// CHECK: accel.dma_load {{.*}} : memref<3x4xbf16, strided<[4, 1], offset: 12>>, memref<3x4xbf16, #accel.space<act>>
// CHECK: accel.dma_load {{.*}} : memref<4x5xbf16, strided<[5, 1], offset: 20>>, memref<4x5xbf16, #accel.space<wgt>>
// CHECK: accel.gemm
// CHECK: accel.dma_store {{.*}}, memref<3x5xbf16, strided<[5, 1], offset: 15>>
// CHECK-NOT: accel.gemm
func.func @matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %y = tosa.matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

// Tests a single batch of a Gemm shape: no second GEMM.
// CHECK-LABEL: func @gemm
// CHECK: accel.gemm {{.*}} : memref<3x6xbf16, #accel.space<act>>, memref<6x4xbf16, #accel.space<wgt>>, memref<3x4xf32, #accel.space<acc>>
// CHECK-NOT: accel.gemm
func.func @gemm(%a: tensor<1x3x6xf32>, %b: tensor<1x6x4xf32>) -> tensor<1x3x4xf32> {
  %y = tosa.matmul %a, %b : (tensor<1x3x6xf32>, tensor<1x6x4xf32>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}
