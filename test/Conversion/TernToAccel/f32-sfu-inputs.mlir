// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa. --implicit-check-not=tern.

// Tests an f32 argument read only by the softmax: it stays f32 in DRAM and
// in the tile (rsfu.softmax af32), the result is bf16.
// CHECK-LABEL: func @softmax_of_input
// CHECK-SAME: (%[[X:.*]]: memref<2x4xf32>) -> memref<2x4xbf16>
// CHECK: accel.dma_load %{{.*}}, %[[T:[^ ]*]] : memref<2x4xf32{{.*}}>, memref<2x4xf32, #accel.space<act>>
// CHECK: accel.softmax %[[T]], %[[P:[^ ]*]] : memref<2x4xf32, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[P]]
func.func @softmax_of_input(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = tern.softmax %x precision <bf16> : tensor<2x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests tern.log_softmax: the softmax kernel with `log`, here of an f32
// argument too.
// CHECK-LABEL: func @log_softmax_of_input
// CHECK-SAME: (%[[X:.*]]: memref<2x4xf32>) -> memref<2x4xbf16>
// CHECK: accel.softmax %{{.*}}, %{{.*}} log : memref<2x4xf32, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
func.func @log_softmax_of_input(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %y = tern.log_softmax %x : tensor<2x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests a pow of two f32 arguments: both stay f32 (rsfu.pow af32 / bf32)
// and the tiles hold 4-byte rows (a 2x3 f32 tile, not bf16).
// CHECK-LABEL: func @pow_of_inputs
// CHECK-SAME: (%{{.*}}: memref<2x3xf32>, %{{.*}}: memref<2x3xf32>) -> memref<2x3xbf16>
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<2x3xf32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<2x3xf32, #accel.space<act>>
// CHECK: accel.vector <pow> %[[A]], %[[B]], %{{.*}} : memref<2x3xf32, #accel.space<act>>, memref<2x3xf32, #accel.space<act>>, memref<2x3xbf16, #accel.space<act>>
func.func @pow_of_inputs(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = tosa.pow %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests an argument with another user besides the softmax: a bf16 program
// input, as every other one, that both read.
// CHECK-LABEL: func @shared_input
// CHECK-SAME: (%{{.*}}: memref<2x4xbf16>) -> (memref<2x4xbf16>, memref<2x4xbf16>)
// CHECK: accel.softmax %{{.*}}, %{{.*}} : memref<2x4xbf16, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
func.func @shared_input(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %y = tern.softmax %x precision <bf16> : tensor<2x4xf32> -> tensor<2x4xf32>
  %z = tosa.exp %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y, %z : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests a scalar (rank-0) argument, which no row kernel reads: bf16, and no
// row width asked of it (a broadcast scalar exponent, as the importer
// reshapes it for a pow).
// CHECK-LABEL: func @scalar_exponent
// CHECK-SAME: (%{{.*}}: memref<2x3xf32>, %{{.*}}: memref<bf16>) -> memref<2x3xbf16>
// CHECK: accel.vector_column <pow> {{.*}} : memref<2x3xf32, #accel.space<act>>, memref<2x1xbf16, #accel.space<act>>, memref<2x3xbf16, #accel.space<act>>
func.func @scalar_exponent(%a: tensor<2x3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
  %r = tosa.reshape %b {new_shape = array<i64: 1, 1>} : (tensor<f32>) -> tensor<1x1xf32>
  %y = tosa.pow %a, %r : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
