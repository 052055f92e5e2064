// Run-time operands that broadcast along the last axis (one value per row:
// the vector unit's bmode=col) or along leading axes (rows picked by DMA);
// test/e2e/column-broadcast.test. 40 rows of 24 columns: with the tile
// rows of tern-edge several tiles are needed, so tile offsets are exercised.
func.func @main(%x: tensor<2x20x24xf32> {onnx.name = "x"}, %m: tensor<2x20x1xf32> {onnx.name = "m"}, %s: tensor<1x1x1xf32> {onnx.name = "s"}, %b: tensor<2x1x24xf32> {onnx.name = "b"}, %g: tensor<2x1x1xf32> {onnx.name = "g"}) -> (tensor<2x20x24xf32> {onnx.name = "sub"}, tensor<2x20x24xf32> {onnx.name = "rsub"}, tensor<2x20x24xf32> {onnx.name = "scale"}, tensor<2x20x24xf32> {onnx.name = "bias"}, tensor<2x20x24xf32> {onnx.name = "max"}, tensor<2x20x24xf32> {onnx.name = "min"}) {
  %0 = tosa.sub %x, %m : (tensor<2x20x24xf32>, tensor<2x20x1xf32>) -> tensor<2x20x24xf32>
  %1 = tosa.sub %m, %x : (tensor<2x20x1xf32>, tensor<2x20x24xf32>) -> tensor<2x20x24xf32>
  %2 = tosa.mul %s, %x {shift = 0 : i8} : (tensor<1x1x1xf32>, tensor<2x20x24xf32>) -> tensor<2x20x24xf32>
  %3 = tosa.add %x, %b : (tensor<2x20x24xf32>, tensor<2x1x24xf32>) -> tensor<2x20x24xf32>
  %4 = tosa.maximum %x, %g : (tensor<2x20x24xf32>, tensor<2x1x1xf32>) -> tensor<2x20x24xf32>
  %5 = tosa.minimum %m, %x : (tensor<2x20x1xf32>, tensor<2x20x24xf32>) -> tensor<2x20x24xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x20x24xf32>, tensor<2x20x24xf32>, tensor<2x20x24xf32>, tensor<2x20x24xf32>, tensor<2x20x24xf32>, tensor<2x20x24xf32>
}
