// RUN: tern-opt %s -split-input-file --convert-tern-to-accel -verify-diagnostics

// Add, Sub and Mul of int8 / uint8 / int16 / uint16 tensors wrap modulo
// 2^bits in ONNX; on the widened int32 values they would not, so they are
// refused, naming the op and the type.
func.func @add_ui8(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  // expected-error @+1 {{'tosa.add' op on 'ui8' tensors is not lowered: they are held as int32, where only Max, Min and data movement are lowered (Add, Sub and Mul would also have to wrap modulo 2^8 as ONNX does)}}
  %y = tosa.add %a, %b : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// -----

func.func @mul_i16(%a: tensor<3xi16>, %b: tensor<3xi16>) -> tensor<3xi16> {
  // expected-error @+1 {{'tosa.mul' op on 'i16' tensors is not lowered: they are held as int32, where only Max, Min and data movement are lowered (Add, Sub and Mul would also have to wrap modulo 2^16 as ONNX does)}}
  %y = tosa.mul %a, %b {shift = 0 : i8} : (tensor<3xi16>, tensor<3xi16>) -> tensor<3xi16>
  return %y : tensor<3xi16>
}

// -----

// uint32 / uint64 values need not fit int32.
func.func @max_ui32(%a: tensor<3xui32>, %b: tensor<3xui32>) -> tensor<3xui32> {
  // expected-error @+1 {{'tosa.maximum' op result element type 'ui32' is not lowered: integer tensors are held as int32, which does not hold every uint32 value}}
  %y = tosa.maximum %a, %b : (tensor<3xui32>, tensor<3xui32>) -> tensor<3xui32>
  return %y : tensor<3xui32>
}
