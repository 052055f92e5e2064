// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int-only}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=INTONLY
// RUN: tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int8-max}))' \
// RUN:   | FileCheck %s --check-prefix=INT8MAX

// int-only refuses an operator without an integer kernel, naming its ONNX
// node; int8-max runs it in bf16.
// INT8MAX-LABEL: func @relu
// INT8MAX: tern.relu {{.*}} precision <bf16>
func.func @relu(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // INTONLY: error: loc("/ffn/act/Relu"): 'tern.relu' op has no integer kernel (node '/ffn/act/Relu'); --precision int-only needs one for every operator (int8-max runs it in bf16)
  %0 = tern.relu %x : tensor<4x8xf32> -> tensor<4x8xf32> loc("/ffn/act/Relu")
  return %0 : tensor<4x8xf32>
}

// -----

// A masked product: the mask is a float addend.
// INT8MAX-LABEL: func @masked
// INT8MAX: tern.matmul {{.*}} precision <bf16>
func.func @masked(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>, %m: tensor<1x1x1x4xf32>) -> tensor<1x1x4x4xf32> {
  // INTONLY: error: loc("/attn/MatMul"): 'tern.matmul' op has no integer kernel (node '/attn/MatMul')
  %0 = tern.matmul %q, %k mask %m transpose_rhs : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x1x4xf32> -> tensor<1x1x4x4xf32> loc("/attn/MatMul")
  return %0 : tensor<1x1x4x4xf32>
}
