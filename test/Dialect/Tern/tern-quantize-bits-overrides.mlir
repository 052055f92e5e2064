// Per-layer weight widths: `weight-bits-overrides` gives the linears whose
// ONNX node name matches a glob another width than `weight-bits`; the last
// matching entry wins. Errors: a malformed entry, an unsupported width, an
// entry that names no int linear.
//
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits=8 weight-bits-overrides=/fc2/*=4}))' \
// RUN:   | FileCheck %s --check-prefix=FC2
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits=6 weight-bits-overrides=/fc*=4,/fc1/*=8}))' \
// RUN:   | FileCheck %s --check-prefix=LAST
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits-overrides=/fc2/*=5}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WIDTH
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits-overrides=/fc2/*}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MALFORMED
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits-overrides=/attn/*=4}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NONE

// Weight max |w| 0.7 in both linears: 8 bits -> 0.7/127, 4 bits -> 0.7/7,
// 6 bits -> 0.7/31.
// FC2-LABEL: func @two_linears
// FC2: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.0055118{{[0-9]*}}>>
// FC2: "quant.qcast"(%{{.*}}) : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i4<-7:7>:f32, 0.0999999{{[0-9]*}}>>
// LAST-LABEL: func @two_linears
// LAST: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.0055118{{[0-9]*}}>>
// LAST: "quant.qcast"(%{{.*}}) : (tensor<2x2xf32>) -> tensor<2x2x!quant.uniform<i4<-7:7>:f32, 0.0999999{{[0-9]*}}>>
// WIDTH: error: tern-quantize: weight-bits override '/fc2/*=5' is not NAME=BITS with a glob NAME and BITS 8, 6 or 4
// MALFORMED: error: tern-quantize: weight-bits override '/fc2/*' is not NAME=BITS with a glob NAME and BITS 8, 6 or 4
// NONE: error: tern-quantize: weight-bits override '/attn/*=4' names no int8 linear of 'two_linears'
func.func @two_linears(%x: tensor<4x3xf32> {tern.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = "tosa.const"() {value = dense<[[0.7, -0.2], [0.35, 0.1], [-0.7, 0.05]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %w2 = "tosa.const"() {value = dense<[[0.7, -0.5], [0.25, 0.5]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %y = tern.linear %x, %w precision <int> {tern.range = array<f64: -3.0, 3.0>} : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32> loc(#fc1)
  %z = tern.linear %y, %w2 precision <int> {tern.range = array<f64: -3.0, 3.0>} : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32> loc(#fc2)
  return %z : tensor<4x2xf32>
}
#fc1 = loc(fused["/fc1/MatMul", "MatMul"])
#fc2 = loc(fused["/fc2/MatMul", "MatMul"])
