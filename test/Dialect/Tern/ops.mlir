// RUN: tern-opt %s | tern-opt | FileCheck %s
// Round-trip of every tern op: the printed form parses back to itself.

// CHECK-LABEL: func @linear
func.func @linear(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>)
    -> (tensor<4x16xf32>, tensor<2x4x16xf32>) {
  // CHECK: tern.linear %{{.*}}, %{{.*}}, %{{.*}} precision <int> : tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  %0 = tern.linear %x, %w, %b precision <int> : tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  // A batched input without bias keeps the default precision, which is elided.
  // CHECK: tern.linear %{{.*}}, %{{.*}} : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
  %x3 = tensor.empty() : tensor<2x4x8xf32>
  %1 = tern.linear %x3, %w : tensor<2x4x8xf32>, tensor<8x16xf32> -> tensor<2x4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<2x4x16xf32>
}

// CHECK-LABEL: func @linear_dynamic
func.func @linear_dynamic(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>) -> tensor<?x16xf32> {
  // CHECK: tern.linear {{.*}} : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
  %0 = tern.linear %x, %w : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// CHECK-LABEL: func @linear_quantized
func.func @linear_quantized(%x: tensor<4x8x!quant.uniform<i8:f32, 0.05>>,
                            %w: tensor<8x16x!quant.uniform<i8:f32, 0.01>>)
    -> tensor<4x16x!quant.uniform<i8:f32, 0.1>> {
  // CHECK: tern.linear {{.*}} precision <int> : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02>>
  %0 = tern.linear %x, %w precision <int> : tensor<4x8x!quant.uniform<i8:f32, 0.05>>, tensor<8x16x!quant.uniform<i8:f32, 0.01>> -> tensor<4x16x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x16x!quant.uniform<i8:f32, 0.1>>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%q: tensor<2x5x4xf32>, %k: tensor<2x5x4xf32>, %v: tensor<2x5x4xf32>)
    -> tensor<2x5x4xf32> {
  // CHECK: tern.matmul %{{.*}}, %{{.*}} transpose_rhs scale 5.000000e-01 precision <bf16> : tensor<2x5x4xf32>, tensor<2x5x4xf32> -> tensor<2x5x5xf32>
  %s = tern.matmul %q, %k transpose_rhs scale 0.5 precision <bf16> : tensor<2x5x4xf32>, tensor<2x5x4xf32> -> tensor<2x5x5xf32>
  // CHECK: tern.matmul %{{.*}}, %{{.*}} : tensor<2x5x5xf32>, tensor<2x5x4xf32> -> tensor<2x5x4xf32>
  %c = tern.matmul %s, %v : tensor<2x5x5xf32>, tensor<2x5x4xf32> -> tensor<2x5x4xf32>
  return %c : tensor<2x5x4xf32>
}

// CHECK-LABEL: func @nonlinear
func.func @nonlinear(%x: tensor<5x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>)
    -> tensor<5x8xf32> {
  // CHECK: tern.layer_norm %{{.*}}, %{{.*}}, %{{.*}} epsilon 9.99999974E-6 : tensor<5x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<5x8xf32>
  %0 = tern.layer_norm %x, %g, %b epsilon 1.0e-5 : tensor<5x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<5x8xf32>
  // CHECK: tern.softmax %{{.*}} precision <int> : tensor<5x8xf32> -> tensor<5x8xf32>
  %1 = tern.softmax %0 precision <int> : tensor<5x8xf32> -> tensor<5x8xf32>
  // CHECK: tern.log_softmax %{{.*}} : tensor<5x8xf32> -> tensor<5x8xf32>
  %ls = tern.log_softmax %0 : tensor<5x8xf32> -> tensor<5x8xf32>
  // CHECK: tern.gelu %{{.*}} : tensor<5x8xf32> -> tensor<5x8xf32>
  %2 = tern.gelu %1 : tensor<5x8xf32> -> tensor<5x8xf32>
  // CHECK: tern.gelu %{{.*}} approximation <tanh> precision <bf16> : tensor<5x8xf32> -> tensor<5x8xf32>
  %3 = tern.gelu %2 approximation <tanh> precision <bf16> : tensor<5x8xf32> -> tensor<5x8xf32>
  // CHECK: tern.relu %{{.*}} : tensor<5x8xf32> -> tensor<5x8xf32>
  %4 = tern.relu %3 : tensor<5x8xf32> -> tensor<5x8xf32>
  // CHECK: tern.add %{{.*}}, %{{.*}} precision <bf16> : tensor<5x8xf32>, tensor<5x8xf32> -> tensor<5x8xf32>
  %5 = tern.add %4, %x precision <bf16> : tensor<5x8xf32>, tensor<5x8xf32> -> tensor<5x8xf32>
  return %5 : tensor<5x8xf32>
}

// CHECK-LABEL: func @masked_scores
func.func @masked_scores(%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x5x8xf32>, %m: tensor<2x1x1x5xf32>)
    -> tensor<2x4x5x5xf32> {
  // CHECK: tern.matmul %{{.*}}, %{{.*}} mask %{{.*}} transpose_rhs scale 1.250000e-01 : tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x1x1x5xf32> -> tensor<2x4x5x5xf32>
  %s = tern.matmul %q, %k mask %m transpose_rhs scale 0.125 : tensor<2x4x5x8xf32>, tensor<2x4x5x8xf32>, tensor<2x1x1x5xf32> -> tensor<2x4x5x5xf32>
  return %s : tensor<2x4x5x5xf32>
}

// CHECK-LABEL: func @heads
func.func @heads(%x: tensor<2x5x32xf32>) -> tensor<2x5x32xf32> {
  // CHECK: %[[H:.*]] = tern.split_heads %{{.*}} heads 4 : tensor<2x5x32xf32> -> tensor<2x4x5x8xf32>
  %h = tern.split_heads %x heads 4 : tensor<2x5x32xf32> -> tensor<2x4x5x8xf32>
  // CHECK: tern.merge_heads %[[H]] : tensor<2x4x5x8xf32> -> tensor<2x5x32xf32>
  %m = tern.merge_heads %h : tensor<2x4x5x8xf32> -> tensor<2x5x32xf32>
  return %m : tensor<2x5x32xf32>
}

// CHECK-LABEL: func @to_int
func.func @to_int(%x: tensor<2x6xf32>, %s: tensor<2x1xf32>, %b: tensor<2x6xi64>) -> (tensor<2x6xi32>, tensor<2x6xi64>) {
  // CHECK: tern.to_int <div> <rne> %{{.*}}, %{{.*}} : tensor<2x6xf32>, tensor<2x1xf32> -> tensor<2x6xi32>
  %q = tern.to_int <div> <rne> %x, %s : tensor<2x6xf32>, tensor<2x1xf32> -> tensor<2x6xi32>
  // CHECK: tern.to_int <pow> <trunc> %{{.*}}, %{{.*}} : tensor<2x6xi64>, tensor<2x6xf32> -> tensor<2x6xi64>
  %p = tern.to_int <pow> <trunc> %b, %x : tensor<2x6xi64>, tensor<2x6xf32> -> tensor<2x6xi64>
  return %q, %p : tensor<2x6xi32>, tensor<2x6xi64>
}
