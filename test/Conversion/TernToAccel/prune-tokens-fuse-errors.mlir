// RUN: not tern-opt %s --convert-tern-to-accel 2>&1 | FileCheck %s

// The token unit fuses bf16 rows only: an int8 hidden state (a policy that
// keeps the residual stream in int8) is refused, naming the op.
// CHECK: error: tern.prune_tokens fuse: the token unit fuses bf16 rows; the hidden state here is 'i8' (a policy that keeps the residual stream in bf16, e.g. tataa or bf16, is needed)
!q = !quant.uniform<i8:f32, 0.05>
func.func @fuse_int8(%x: tensor<1x9x16x!q>, %p: tensor<1x2x9x9xbf16>) -> tensor<1x6x16x!q> {
  %h, %i = tern.prune_tokens %x, %p keep 5 fuse : tensor<1x9x16x!q>, tensor<1x2x9x9xbf16> -> tensor<1x6x16x!q>, tensor<1x5xi32>
  return %h : tensor<1x6x16x!q>
}
