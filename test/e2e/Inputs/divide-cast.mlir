// x / d as the importer writes ONNX Div by a run-time divisor
// (x * reciprocal(d)), with d full and one value per row, and ONNX Cast
// float -> int64 and int64 -> float; test/e2e/divide-cast.test.
func.func @main(%x: tensor<8x64xf32> {onnx.name = "x"}, %d: tensor<8x64xf32> {onnx.name = "d"}, %c: tensor<8x1xf32> {onnx.name = "c"}, %i: tensor<8x64xi64> {onnx.name = "i"}) -> (tensor<8x64xf32> {onnx.name = "q"}, tensor<8x64xf32> {onnx.name = "p"}, tensor<8x64xi64> {onnx.name = "t"}, tensor<8x64xf32> {onnx.name = "f"}) {
  %r = tosa.reciprocal %d : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = tosa.mul %x, %r {shift = 0 : i8} : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %rc = tosa.reciprocal %c : (tensor<8x1xf32>) -> tensor<8x1xf32>
  %p = tosa.mul %rc, %x {shift = 0 : i8} : (tensor<8x1xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %t = tosa.cast %x : (tensor<8x64xf32>) -> tensor<8x64xi64>
  %f = tosa.cast %i : (tensor<8x64xi64>) -> tensor<8x64xf32>
  return %q, %p, %t, %f : tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xi64>, tensor<8x64xf32>
}
