// exp, tanh, sigmoid, erf and log element-wise (ONNX Exp / Tanh / Sigmoid /
// Erf / Log); test/e2e/sfu-fn.test.
func.func @main(%a: tensor<8x64xf32> {onnx.name = "a"}, %b: tensor<8x64xf32> {onnx.name = "b"}, %c: tensor<8x64xf32> {onnx.name = "c"}, %d: tensor<8x64xf32> {onnx.name = "d"}, %e: tensor<8x64xf32> {onnx.name = "e"}) -> (tensor<8x64xf32> {onnx.name = "exp"}, tensor<8x64xf32> {onnx.name = "tanh"}, tensor<8x64xf32> {onnx.name = "sigmoid"}, tensor<8x64xf32> {onnx.name = "erf"}, tensor<8x64xf32> {onnx.name = "log"}) {
  %0 = tosa.exp %a : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %1 = tosa.tanh %b : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %2 = tosa.sigmoid %c : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %3 = tosa.erf %d : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %4 = tosa.log %e : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %0, %1, %2, %3, %4 : tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>
}
