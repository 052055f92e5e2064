// tosa.rsqrt on [8, 64] (test/e2e/rsqrt.test).
func.func @main(%x: tensor<8x64xf32> {onnx.name = "x"}) -> (tensor<8x64xf32> {onnx.name = "y"}) {
  %y = tosa.rsqrt %x : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
