// RUN: tern-opt %s -split-input-file --convert-tern-to-accel | FileCheck %s
// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="act-bytes=8192" | FileCheck %s --check-prefix=SMALL

// A softmax over rows wider than a tile (5000 > 4095 columns) is spilled:
// chunks of 2048 columns, each through the SFU's softmax with its maximum
// and peak stored per chunk, then the chunks' weights (a softmax over the
// chunk maxima divided by the peaks and normalized), then each chunk
// scaled by its weight.
// CHECK-LABEL: func @wide_softmax
// CHECK-NOT: accel.softmax {{.*}} memref<2x5000xbf16
// CHECK: accel.dma_load %{{.*}}, %[[X0:.+]] : memref<2x2048xbf16, strided<[5000, 1]>>
// CHECK: accel.reduce <max> %[[X0]], %[[M0:.+]] :
// CHECK: accel.dma_store %[[M0]], %{{.*}} : memref<2x1xbf16, #accel.space<act>>, memref<2x1xbf16, strided<[3, 1]>>
// CHECK: accel.softmax %[[X0]], %[[P0:.+]] : memref<2x2048xbf16
// CHECK: accel.dma_store %[[P0]], %{{.*}} : memref<2x2048xbf16, #accel.space<act>>, memref<2x2048xbf16, strided<[5000, 1]>>
// CHECK: accel.reduce <max> %[[P0]]
// CHECK: accel.softmax {{.*}} : memref<2x2048xbf16
// CHECK: accel.softmax {{.*}} : memref<2x904xbf16
// The weights: a softmax over the 3 chunks' maxima, over the peaks, normalized.
// CHECK: accel.softmax %{{.*}}, %[[W:.+]] : memref<2x3xbf16
// CHECK: accel.vector <div> %[[W]], %{{.*}}, %[[W]] : memref<2x3xbf16
// CHECK: accel.reduce <sum> %[[W]], %[[T:.+]] :
// CHECK: accel.vector_column <div> %[[W]], %[[T]], %[[W]]
// CHECK-COUNT-2: accel.vector_column <mul> {{.*}} : memref<2x2048xbf16, #accel.space<act>>, memref<2x1xbf16
// CHECK: accel.vector_column <mul> {{.*}} : memref<2x904xbf16, #accel.space<act>>, memref<2x1xbf16
// With 8 KiB scratchpads (a tile may take a quarter) the chunks are 1024
// columns of one row.
// SMALL-LABEL: func @wide_softmax
// SMALL: accel.softmax {{.*}} : memref<1x1024xbf16
func.func @wide_softmax(%x: tensor<2x5000xf32>) -> tensor<2x5000xf32> {
  %y = tern.softmax %x precision <bf16> : tensor<2x5000xf32> -> tensor<2x5000xf32>
  return %y : tensor<2x5000xf32>
}

// -----

// A log-softmax over rows of 5000: each chunk through the SFU's
// log-softmax (stored), its maximum and the peak of its log-softmax
// (-log s_j) per chunk; then the log of the softmax's chunk weights
// (softmax of the maxima, times exp(-peak), normalized, the SFU's log);
// then each chunk plus its log weight.
// CHECK-LABEL: func @wide_log_softmax
// CHECK-NOT: accel.softmax {{.*}} memref<2x5000xbf16
// CHECK: accel.reduce <max> %[[X0:.+]], %{{.+}} : memref<2x2048xbf16
// CHECK: accel.softmax %[[X0]], %[[L0:.+]] log : memref<2x2048xbf16
// CHECK: accel.reduce <max> %[[L0]], %{{.+}} :
// CHECK: accel.softmax {{.*}} log : memref<2x2048xbf16
// CHECK: accel.softmax {{.*}} log : memref<2x904xbf16
// CHECK: accel.softmax %{{.*}}, %[[W:.+]] : memref<2x3xbf16
// CHECK: accel.vector_const <mul> %[[P:.+]], %[[P]] -1.000000e+00
// CHECK: accel.sfu_fn <exp> %[[P]], %[[P]]
// CHECK: accel.vector <mul> %[[W]], %[[P]], %[[W]]
// CHECK: accel.reduce <sum> %[[W]], %[[T:.+]] :
// CHECK: accel.vector_column <div> %[[W]], %[[T]], %[[W]]
// CHECK: accel.sfu_fn <log> %[[W]], %[[W]]
// CHECK-COUNT-2: accel.vector_column <add> {{.*}} : memref<2x2048xbf16, #accel.space<act>>, memref<2x1xbf16
// CHECK: accel.vector_column <add> {{.*}} : memref<2x904xbf16, #accel.space<act>>, memref<2x1xbf16
func.func @wide_log_softmax(%x: tensor<2x5000xf32>) -> tensor<2x5000xf32> {
  %y = tern.log_softmax %x : tensor<2x5000xf32> -> tensor<2x5000xf32>
  return %y : tensor<2x5000xf32>
}

// -----

// A row that fits one tile keeps the SFU's softmax of the whole row. A row
// of 4000 columns fits the default tiles (as f32, 16000 bytes: the argument
// is read only by the softmax, so it stays f32, f32-sfu-inputs.mlir), not
// those of 8 KiB scratchpads even in bf16: there the argument is bf16 and
// the softmax spilled, in 3 chunks of 1024 and one of 928.
// CHECK-LABEL: func @fits
// CHECK: accel.softmax {{.*}} : memref<2x4000xf32, #accel.space<act>>, memref<2x4000xbf16
// CHECK-NOT: accel.vector_column
// SMALL-LABEL: func @fits
// SMALL-COUNT-3: accel.softmax {{.*}} : memref<1x1024xbf16
// SMALL: accel.softmax {{.*}} : memref<1x928xbf16
// SMALL: accel.softmax {{.*}} : memref<1x4xbf16
func.func @fits(%x: tensor<2x4000xf32>) -> tensor<2x4000xf32> {
  %y = tern.softmax %x precision <bf16> : tensor<2x4000xf32> -> tensor<2x4000xf32>
  return %y : tensor<2x4000xf32>
}

// -----

// A LayerNorm over rows of 5000: three passes over chunks of 2048, every
// row sum in f32 on the matrix unit (a GEMM with a column of ones,
// accumulated over the chunks): the mean, rounded to bf16; the sums of
// d = x - mean and d^2; then ((x - mean) - mean(d)) / sqrt(var + eps) *
// gamma + beta per chunk.
// CHECK-LABEL: func @wide_layer_norm
// CHECK-NOT: accel.layer_norm
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[SUM:.+]] : memref<2x2048xbf16, #accel.space<act>>, memref<2048x1xbf16, #accel.space<wgt>>, memref<2x1xf32, #accel.space<acc>>
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[SUM]] accumulate : memref<2x2048xbf16
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[SUM]] accumulate : memref<2x904xbf16
// CHECK: accel.convert %[[SUM]], %[[MEAN:.+]] scale 2.000000e-04
// CHECK: accel.vector_column <sub> %[[D:.+]], %[[MEAN]], %[[D]] : memref<2x2048xbf16
// CHECK: accel.gemm %[[D]], %{{.*}}, %[[SUMD:.+]] :
// CHECK: accel.vector <mul> %[[D]], %[[D]], %[[D2:.+]] :
// CHECK: accel.gemm %[[D2]], %{{.*}}, %[[SUMD2:.+]] :
// CHECK: accel.convert %[[SUMD]], %[[MLO:.+]] scale 2.000000e-04
// CHECK: accel.convert %[[SUMD2]], %[[VAR:.+]] scale 2.000000e-04
// CHECK: accel.vector <sub> %[[VAR]]
// CHECK: accel.vector_const <add> %[[VAR]], %[[VAR]] 9.99999974E-6
// CHECK: accel.sqrt %[[VAR]], %[[SD:.+]] :
// CHECK: accel.vector_column <sub> %[[Y:.+]], %[[MEAN]], %[[Y]]
// CHECK-NEXT: accel.vector_column <sub> %[[Y]], %[[MLO]], %[[Y]]
// CHECK-NEXT: accel.vector_column <div> %[[Y]], %[[SD]], %[[Y]]
// CHECK: accel.vector <mul> %[[Y]]
// CHECK: accel.vector <add> %[[Y]]
// CHECK: accel.dma_store %[[Y]]
// SMALL-LABEL: func @wide_layer_norm
// SMALL: accel.gemm {{.*}} : memref<1x1024xbf16
func.func @wide_layer_norm(%x: tensor<2x5000xf32>, %g: tensor<5000xf32>, %b: tensor<5000xf32>) -> tensor<2x5000xf32> {
  %y = tern.layer_norm %x, %g, %b epsilon 1.0E-5 precision <bf16> : tensor<2x5000xf32>, tensor<5000xf32>, tensor<5000xf32> -> tensor<2x5000xf32>
  return %y : tensor<2x5000xf32>
}
