// RUN: tern-opt %s -split-input-file -verify-diagnostics
// One case per verifier message of the tern dialect.

func.func @linear_contraction(%x: tensor<4x8xf32>, %w: tensor<9x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'tern.linear' op weight rows (9) must equal the input's last dimension (8)}}
  %0 = tern.linear %x, %w : tensor<4x8xf32>, tensor<9x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @linear_relu_float(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'tern.linear' op 'relu' needs an int8 quantized result (the requantizer applies it), got 'tensor<4x16xf32>'}}
  %0 = tern.linear %x, %w relu : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @linear_bias(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<15xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'tern.linear' op bias size (15) must equal the weight's columns (16)}}
  %0 = tern.linear %x, %w, %b : tensor<4x8xf32>, tensor<8x16xf32>, tensor<15xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @linear_result(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x15xf32> {
  // expected-error @+1 {{'tern.linear' op result shape [4, 15] must be [4, 16]}}
  %0 = tern.linear %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x15xf32>
  return %0 : tensor<4x15xf32>
}

// -----

func.func @linear_element_type(%x: tensor<4x8xi32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'tern.linear' op operand #0 must be 2D/3D/4D tensor of float or uniform quantized values, but got 'tensor<4x8xi32>'}}
  %0 = tern.linear %x, %w : tensor<4x8xi32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @matmul_rank(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>) -> tensor<2x4x4xf32> {
  // expected-error @+1 {{'tern.matmul' op operands must have the same rank (3 vs 2)}}
  %0 = tern.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x4xf32> -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x4xf32>) -> tensor<2x4x4xf32> {
  // expected-error @+1 {{'tern.matmul' op batch dimensions [2] and [3] must match}}
  %0 = tern.matmul %a, %b : tensor<2x4x8xf32>, tensor<3x8x4xf32> -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // Without transpose_rhs the rhs is [K, N]: 4 rows do not match K = 8.
  // expected-error @+1 {{'tern.matmul' op contraction dimensions must match (8 vs 4)}}
  %0 = tern.matmul %a, %b : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @matmul_result(%a: tensor<4x8xf32>, %b: tensor<6x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.matmul' op result shape [4, 8] must be [4, 6]}}
  %0 = tern.matmul %a, %b transpose_rhs : tensor<4x8xf32>, tensor<6x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @matmul_scale(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tern.matmul' op scale must be positive}}
  %0 = tern.matmul %a, %b scale -1.0 : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @layer_norm_rank(%x: tensor<f32>, %g: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tern.layer_norm' op input must have rank >= 1}}
  %0 = tern.layer_norm %x, %g, %g epsilon 1.0e-5 : tensor<f32>, tensor<1xf32>, tensor<1xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @layer_norm_gamma(%x: tensor<4x8xf32>, %g: tensor<7xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.layer_norm' op gamma and beta must have the size of the normalized (last) dimension (8), got 7}}
  %0 = tern.layer_norm %x, %g, %b epsilon 1.0e-5 : tensor<4x8xf32>, tensor<7xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_epsilon(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.layer_norm' op attribute 'epsilon' failed to satisfy constraint: 32-bit float attribute whose value is non-negative}}
  %0 = tern.layer_norm %x, %g, %g epsilon -1.0e-5 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_result(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'tern.layer_norm' op result shape [8, 4] must equal the input shape [4, 8]}}
  %0 = tern.layer_norm %x, %g, %g epsilon 1.0e-5 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @softmax_rank(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'tern.softmax' op input must have rank >= 1}}
  %0 = tern.softmax %x : tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @softmax_result(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tern.softmax' op result shape [4, 4] must equal the input shape [4, 8]}}
  %0 = tern.softmax %x : tensor<4x8xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @log_softmax_rank(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'tern.log_softmax' op input must have rank >= 1}}
  %0 = tern.log_softmax %x : tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @log_softmax_result(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tern.log_softmax' op result shape [4, 4] must equal the input shape [4, 8]}}
  %0 = tern.log_softmax %x : tensor<4x8xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @gelu_result(%x: tensor<4x8xf32>) -> tensor<4x9xf32> {
  // expected-error @+1 {{'tern.gelu' op result shape [4, 9] must equal the input shape [4, 8]}}
  %0 = tern.gelu %x : tensor<4x8xf32> -> tensor<4x9xf32>
  return %0 : tensor<4x9xf32>
}

// -----

func.func @relu_result(%x: tensor<4x8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tern.relu' op result shape [8] must equal the input shape [4, 8]}}
  %0 = tern.relu %x : tensor<4x8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @add_shapes(%x: tensor<4x8xf32>, %y: tensor<4x7xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.add' op requires the same shape for all operands}}
  %0 = tern.add %x, %y : tensor<4x8xf32>, tensor<4x7xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @add_result(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tern.add' op requires the same shape for all operands and results}}
  %0 = tern.add %x, %x : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @bad_precision(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{custom op 'tern.relu' expected ::tern::Precision to be one of: f32, bf16, int}}
  // expected-error @+1 {{custom op 'tern.relu' failed to parse Tern_PrecisionAttr parameter 'value' which is to be a `::tern::Precision`}}
  %0 = tern.relu %x precision <int4> : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @matmul_mask_rank(%q: tensor<4x5x8xf32>, %k: tensor<4x5x8xf32>, %m: tensor<5x5xf32>) -> tensor<4x5x5xf32> {
  // expected-error @+1 {{'tern.matmul' op mask rank (2) must equal the result rank (3)}}
  %0 = tern.matmul %q, %k mask %m transpose_rhs : tensor<4x5x8xf32>, tensor<4x5x8xf32>, tensor<5x5xf32> -> tensor<4x5x5xf32>
  return %0 : tensor<4x5x5xf32>
}

// -----

func.func @matmul_mask_shape(%q: tensor<4x5x8xf32>, %k: tensor<4x5x8xf32>, %m: tensor<1x3x5xf32>) -> tensor<4x5x5xf32> {
  // expected-error @+1 {{'tern.matmul' op mask shape [1, 3, 5] must broadcast to the result shape [4, 5, 5]}}
  %0 = tern.matmul %q, %k mask %m transpose_rhs : tensor<4x5x8xf32>, tensor<4x5x8xf32>, tensor<1x3x5xf32> -> tensor<4x5x5xf32>
  return %0 : tensor<4x5x5xf32>
}

// -----

func.func @split_heads_divisible(%x: tensor<2x5x30xf32>) -> tensor<2x4x5x7xf32> {
  // expected-error @+1 {{'tern.split_heads' op feature dimension (30) must be a multiple of the head count (4)}}
  %0 = tern.split_heads %x heads 4 : tensor<2x5x30xf32> -> tensor<2x4x5x7xf32>
  return %0 : tensor<2x4x5x7xf32>
}

// -----

func.func @split_heads_result(%x: tensor<2x5x32xf32>) -> tensor<2x5x4x8xf32> {
  // expected-error @+1 {{'tern.split_heads' op result shape [2, 5, 4, 8] must be [2, 4, 5, 8]}}
  %0 = tern.split_heads %x heads 4 : tensor<2x5x32xf32> -> tensor<2x5x4x8xf32>
  return %0 : tensor<2x5x4x8xf32>
}

// -----

func.func @merge_heads_result(%x: tensor<2x4x5x8xf32>) -> tensor<2x4x40xf32> {
  // expected-error @+1 {{'tern.merge_heads' op result shape [2, 4, 40] must be [2, 5, 32]}}
  %0 = tern.merge_heads %x : tensor<2x4x5x8xf32> -> tensor<2x4x40xf32>
  return %0 : tensor<2x4x40xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
func.func @linear_half_quantized(%x: tensor<4x8x!q>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.linear' op input and weight must both be quantized or both be float}}
  %0 = tern.linear %x, %w precision <int> : tensor<4x8x!q>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
func.func @quantized_not_int(%x: tensor<4x8x!q>, %w: tensor<8x8x!q>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.linear' op quantized operands require precision <int>}}
  %0 = tern.linear %x, %w precision <bf16> : tensor<4x8x!q>, tensor<8x8x!q> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
func.func @quantized_result_float_operands(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4x!q> {
  // expected-error @+1 {{'tern.matmul' op a quantized result requires quantized operands}}
  %0 = tern.matmul %a, %b precision <int> : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4x!q>
  return %0 : tensor<4x4x!q>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
!b = !quant.uniform<i32:f32, 0.5>
func.func @bias_scale(%x: tensor<4x8x!q>, %w: tensor<8x2x!q>, %bias: tensor<2x!b>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tern.linear' op a quantized bias must be i32 at the product scale 2.500000e-01 (input scale x weight scale), got '!quant.uniform<i32:f32, 5.000000e-01>'}}
  %0 = tern.linear %x, %w, %bias precision <int> : tensor<4x8x!q>, tensor<8x2x!q>, tensor<2x!b> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
func.func @masked_quantized_result(%a: tensor<1x4x8x!q>, %b: tensor<1x8x4x!q>, %m: tensor<1x1x4xf32>) -> tensor<1x4x4x!q> {
  // expected-error @+1 {{'tern.matmul' op a masked product must have a float result (the mask is added after conversion)}}
  %0 = tern.matmul %a, %b mask %m precision <int> : tensor<1x4x8x!q>, tensor<1x8x4x!q>, tensor<1x1x4xf32> -> tensor<1x4x4x!q>
  return %0 : tensor<1x4x4x!q>
}

// -----

!b = !quant.uniform<i32:f32, 0.5>
func.func @bias_quantized_alone(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>, %bias: tensor<2x!b>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tern.linear' op a quantized bias requires quantized input and weight}}
  %0 = tern.linear %x, %w, %bias precision <int> : tensor<4x8xf32>, tensor<8x2xf32>, tensor<2x!b> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
!pc = !quant.uniform<i4<-7:7>:f32:0, {0.5, 0.25, 0.5}>
func.func @per_channel_axis(%x: tensor<4x3x!q>, %w: tensor<3x2x!pc>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tern.linear' op a per-channel weight must have one scale per output column (quantized dimension 1, 2 scales)}}
  %0 = tern.linear %x, %w precision <int> : tensor<4x3x!q>, tensor<3x2x!pc> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
!pc = !quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25}>
func.func @per_channel_int8_result(%x: tensor<4x3x!q>, %w: tensor<3x2x!pc>) -> tensor<4x2x!q> {
  // expected-error @+1 {{'tern.linear' op a per-channel weight requires a float result (the requantization unit takes one multiplier per tile)}}
  %0 = tern.linear %x, %w precision <int> : tensor<4x3x!q>, tensor<3x2x!pc> -> tensor<4x2x!q>
  return %0 : tensor<4x2x!q>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.5>
!pc = !quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25}>
!pb = !quant.uniform<i32:f32:0, {0.25, 0.25}>
func.func @per_channel_bias(%x: tensor<4x3x!q>, %w: tensor<3x2x!pc>, %b: tensor<2x!pb>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tern.linear' op a quantized bias must be i32 at the product scale 1.250000e-01 (input scale x weight scale)}}
  %0 = tern.linear %x, %w, %b precision <int> : tensor<4x3x!q>, tensor<3x2x!pc>, tensor<2x!pb> -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @requantize_float(%x: tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.1>> {
  // expected-error @+1 {{operand and result must be symmetric (zero point 0) per-tensor quantized i8 or i32, got 'f32'}}
  %0 = tern.requantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return %0 : tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.1>>
}

// -----

func.func @prune_probs(%x: tensor<1x9x16xf32>, %p: tensor<1x2x8x8xf32>) -> tensor<1x5x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op attention probabilities [1, 2, 8, 8] must be [B, H, N, N] for the hidden state [1, 9, 16]}}
  %h, %i = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xf32>, tensor<1x2x8x8xf32> -> tensor<1x5x16xf32>, tensor<1x5xi32>
  return %h : tensor<1x5x16xf32>
}

// -----

func.func @requantize_zero_point(%x: tensor<4x8x!quant.uniform<i32:f32, 0.01>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.1:3>> {
  // expected-error @+1 {{operand and result must be symmetric (zero point 0) per-tensor quantized i8 or i32, got '!quant.uniform<i8:f32, 1.000000e-01:3>'}}
  %0 = tern.requantize %x : tensor<4x8x!quant.uniform<i32:f32, 0.01>> -> tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.1:3>>
}

// -----

func.func @prune_keep(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x10x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op keeps 10 tokens of only 9}}
  %h, %i = tern.prune_tokens %x, %p keep 10 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x10x16xf32>, tensor<1x10xi32>
  return %h : tensor<1x10x16xf32>
}

// -----

func.func @prune_result(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x4x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op result shape [1, 4, 16] must be [1, 5, 16]}}
  %h, %i = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x4x16xf32>, tensor<1x5xi32>
  return %h : tensor<1x4x16xf32>
}

// -----

func.func @prune_element(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x5x16xf16> {
  // expected-error @+1 {{'tern.prune_tokens' op result element type must equal the hidden state's}}
  %h, %i = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf16>, tensor<1x5xi32>
  return %h : tensor<1x5x16xf16>
}

// -----

func.func @prune_indices(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x4xi32> {
  // expected-error @+1 {{'tern.prune_tokens' op indices shape [1, 4] must be [1, 5]}}
  %h, %i = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf32>, tensor<1x4xi32>
  return %i : tensor<1x4xi32>
}

// -----

func.func @prune_fuse_nothing(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x10x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op fuses the pruned tokens but keeps all 9 (nothing to fuse)}}
  %h, %i = tern.prune_tokens %x, %p keep 9 fuse : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x10x16xf32>, tensor<1x9xi32>
  return %h : tensor<1x10x16xf32>
}

// -----

func.func @prune_fuse_rows(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x5x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op result shape [1, 5, 16] must be [1, 6, 16]}}
  %h, %i = tern.prune_tokens %x, %p keep 5 fuse : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf32>, tensor<1x5xi32>
  return %h : tensor<1x5x16xf32>
}

// -----

func.func @prune_threshold_no_mask(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x9x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op with a threshold needs the key_mask result}}
  %h, %i = tern.prune_tokens %x, %p keep 9 threshold 3 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x9x16xf32>, tensor<1x9xi32>
  return %h : tensor<1x9x16xf32>
}

// -----

func.func @prune_mask_no_threshold(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x5x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op has a key_mask result but no threshold (the count is static)}}
  %h, %i, %m = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf32>, tensor<1x5xi32>, tensor<1x1x1x5xf32>
  return %h : tensor<1x5x16xf32>
}

// -----

func.func @prune_threshold_keep(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x5x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op with a threshold keeps a run-time count of up to all 9 tokens: keep must be 9, got 5}}
  %h, %i, %m = tern.prune_tokens %x, %p keep 5 threshold 3 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf32>, tensor<1x5xi32>, tensor<1x1x1x5xf32>
  return %h : tensor<1x5x16xf32>
}

// -----

func.func @prune_threshold_fuse(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x10x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op fuse is not supported with a threshold}}
  %h, %i, %m = tern.prune_tokens %x, %p keep 9 fuse threshold 3 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x10x16xf32>, tensor<1x9xi32>, tensor<1x1x1x9xf32>
  return %h : tensor<1x10x16xf32>
}

// -----

func.func @prune_threshold_mask_shape(%x: tensor<1x9x16xf32>, %p: tensor<1x2x9x9xf32>) -> tensor<1x9x16xf32> {
  // expected-error @+1 {{'tern.prune_tokens' op key_mask shape [1, 1, 9, 1] must be [1, 1, 1, 9]}}
  %h, %i, %m = tern.prune_tokens %x, %p keep 9 threshold 3 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x9x16xf32>, tensor<1x9xi32>, tensor<1x1x9x1xf32>
  return %h : tensor<1x9x16xf32>
}

// -----

func.func @to_int_float_result(%x: tensor<4x8xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.to_int' op result must be an int32 or int64 tensor, got 'f32'}}
  %q = tern.to_int <div> <rne> %x, %s : tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x8xf32>
  return %q : tensor<4x8xf32>
}

// -----

func.func @to_int_integer_divisor(%x: tensor<4x8xf32>, %s: tensor<4x1xi32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{'tern.to_int' op input2 must be a float tensor, got 'i32'}}
  %q = tern.to_int <div> <rne> %x, %s : tensor<4x8xf32>, tensor<4x1xi32> -> tensor<4x8xi32>
  return %q : tensor<4x8xi32>
}

// -----

func.func @to_int_integer_dividend(%x: tensor<4x8xi32>, %s: tensor<4x1xf32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{'tern.to_int' op input1 must be a float tensor (an integer base is pow's only), got 'i32'}}
  %q = tern.to_int <div> <trunc> %x, %s : tensor<4x8xi32>, tensor<4x1xf32> -> tensor<4x8xi32>
  return %q : tensor<4x8xi32>
}

// -----

func.func @to_int_no_broadcast(%x: tensor<4x8xf32>, %s: tensor<3x1xf32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{'tern.to_int' op operand 'tensor<3x1xf32>' does not broadcast to the result 'tensor<4x8xi32>' (equal ranks, each dimension equal or 1)}}
  %q = tern.to_int <div> <rne> %x, %s : tensor<4x8xf32>, tensor<3x1xf32> -> tensor<4x8xi32>
  return %q : tensor<4x8xi32>
}
