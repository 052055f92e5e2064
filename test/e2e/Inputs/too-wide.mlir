// A softmax over rows of 16384 bf16 values (32 KiB) cannot fit spartan7-ts's
// 16 KiB activation scratchpad even one row at a time: it is spilled.
func.func @wide(%x: tensor<2x16384xf32>) -> tensor<2x16384xf32> {
  %y = tern.softmax %x : tensor<2x16384xf32> -> tensor<2x16384xf32> loc("/encoder/attn/Softmax")
  return %y : tensor<2x16384xf32>
}
