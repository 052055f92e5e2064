// RUN: tern-opt %s --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 reram=true reram-tile-n=8" | FileCheck %s
// RUN: tern-opt %s --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" | FileCheck %s --check-prefix=SYSTOLIC
// RUN: not tern-opt %s --convert-tern-to-accel="reram=true reram-tile-n=0" 2>&1 | FileCheck %s --check-prefix=TILEN
// TILEN: error: convert-tern-to-accel: reram-tile-n must be > 0

// The ReRAM tier (reram=true): a quantized linear with constant weights
// multiplies on the crossbars against DRAM views of its weight blocks (no
// weight tile is loaded), in output blocks of reram-tile-n = 8 columns; the
// product of two run-time tensors (Q.K^T) stays on the matrix unit. Without
// the option every product is an accel.gemm.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
!y = !quant.uniform<i8<-127:127>:f32, 0.031496062992125984>
// CHECK-LABEL: func @block
// CHECK: %[[W:.*]] = memref.get_global @{{.*}} : memref<16x8xi8>
// CHECK-NEXT: %[[WS:.*]] = memref.cast %[[W]] : memref<16x8xi8> to memref<16x8xi8, strided<[8, 1]>>
// One output block of 8 columns (reram-tile-n), two K slices of 8:
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x8xi32, #accel.space<acc>>
// CHECK: %[[W0:.*]] = memref.reinterpret_cast %[[WS]] to offset: [0], sizes: [8, 8], strides: [8, 1]
// CHECK: accel.xbar_gemm %{{.*}}, %[[W0]], %[[ACC]] : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8, strided<[8, 1]>>, memref<4x8xi32, #accel.space<acc>>
// CHECK: %[[W1:.*]] = memref.reinterpret_cast %[[WS]] to offset: [64], sizes: [8, 8], strides: [8, 1]
// CHECK: accel.xbar_gemm %{{.*}}, %[[W1]], %[[ACC]] accumulate
// CHECK: accel.requant <ibert> %[[ACC]]
// The dynamic product (scores) stays on the systolic tier:
// CHECK: accel.gemm
// CHECK-NOT: accel.xbar_gemm
// CHECK: return
// SYSTOLIC-LABEL: func @block
// SYSTOLIC-NOT: accel.xbar_gemm
// SYSTOLIC: accel.gemm
// SYSTOLIC-NOT: accel.xbar_gemm
func.func @block(%x: tensor<4x16x!x>, %k: tensor<4x8x!x>) -> tensor<4x4x!y> {
  %wf = "tosa.const"() {value = dense<0.5> : tensor<16x8xf32>} : () -> tensor<16x8xf32>
  %w = "quant.qcast"(%wf) : (tensor<16x8xf32>) -> tensor<16x8x!w>
  %h = tern.linear %x, %w precision <int> : tensor<4x16x!x>, tensor<16x8x!w> -> tensor<4x8x!x>
  %s = tern.matmul %h, %k transpose_rhs precision <int> : tensor<4x8x!x>, tensor<4x8x!x> -> tensor<4x4x!y>
  return %s : tensor<4x4x!y>
}
