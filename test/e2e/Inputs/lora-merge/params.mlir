// Forward function for the parameter-name errors of e2e/lora-merge-errors.test:
// two trainable arguments whose program names (NAME_A [4, 2], NAME_B [3, 4])
// the test sets with sed; not LoRA factors of one layer whatever they are named.
func.func @main(%x: tensor<2x4xf32> {onnx.name = "x"},
                %a: tensor<4x2xf32> {onnx.name = "NAME_A", tern.trainable},
                %b: tensor<3x4xf32> {onnx.name = "NAME_B", tern.trainable})
    -> (tensor<2x2xf32> {onnx.name = "y"}) {
  %c = "tosa.const"() <{value = dense<0.5> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  %h = tern.matmul %x, %a : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32>
  %t = tern.matmul %c, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %u = tern.matmul %t, %a : tensor<2x4xf32>, tensor<4x2xf32> -> tensor<2x2xf32>
  %y = tosa.add %h, %u : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
