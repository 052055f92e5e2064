// 1/x and sqrt(x) as the importer writes them (ONNX Reciprocal, and Sqrt as
// reciprocal(rsqrt(x))); test/e2e/reciprocal.test.
func.func @main(%x: tensor<8x64xf32> {onnx.name = "x"}, %s: tensor<8x64xf32> {onnx.name = "s"}) -> (tensor<8x64xf32> {onnx.name = "r"}, tensor<8x64xf32> {onnx.name = "q"}) {
  %r = tosa.reciprocal %x : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %i = tosa.rsqrt %s : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = tosa.reciprocal %i : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r, %q : tensor<8x64xf32>, tensor<8x64xf32>
}
