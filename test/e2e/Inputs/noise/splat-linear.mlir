// y = x W with W = 0.125 everywhere ([256, 512]), bf16: under
// --weight-noise SIGMA every weight gets N(0, (SIGMA * 0.125)^2), so an
// output element moves by sum_i x_i N_ij, std SIGMA * 0.125 * ||x_row||.
func.func @main(%x: tensor<8x256xf32>) -> tensor<8x512xf32> {
  %w = "tosa.const"() <{value = dense<0.125> : tensor<256x512xf32>}> : () -> tensor<256x512xf32>
  %y = tern.linear %x, %w precision <bf16> : tensor<8x256xf32>, tensor<256x512xf32> -> tensor<8x512xf32>
  return %y : tensor<8x512xf32>
}
