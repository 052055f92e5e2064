// Outputs the program holds in another type than the model declares
// (`onnx=` on `.output`; the compiler sets it for int8 ... int64, uint32 and
// uint64 results held in i32 and booleans held in bf16 0 / 1; a uint32 /
// uint64 is the 32-bit word, zero-extended): `tern run` writes them in the
// declared type, as .npy and as ONNX TensorProto; the assembler refuses a
// declared type the held one cannot hold, and an unknown name.
//
// RUN: tern asm %s -o %t1.tern
// RUN: tern disasm %t1.tern -o %t.s
// RUN: tern asm %t.s -o %t2.tern
// RUN: cmp %t1.tern %t2.tern
// RUN: FileCheck %s --check-prefix=DIS < %t.s
// DIS: .output "u8", i32, [4], 0x0, scale=1, zp=0, onnx=uint8
// DIS: .output "i8", i32, [4], 0x10, scale=1, zp=0, onnx=int8
// DIS: .output "u16", i32, [4], 0x20, scale=1, zp=0, onnx=uint16
// DIS: .output "i16", i32, [4], 0x30, scale=1, zp=0, onnx=int16
// DIS: .output "i64", i32, [4], 0x40, scale=1, zp=0, onnx=int64
// DIS: .output "b", bf16, [4], 0x50, scale=1, zp=0, onnx=bool
// DIS: .output "held", i32, [4], 0x40, scale=1, zp=0{{$}}
// DIS: .output "u32", i32, [4], 0x40, scale=1, zp=0, onnx=uint32
// DIS: .output "u64", i32, [4], 0x40, scale=1, zp=0, onnx=uint64
//
// RUN: tern inspect %t1.tern | FileCheck %s --check-prefix=INSPECT
// INSPECT: u8: i32 [4] at 0x0 scale=1 zp=0 onnx=uint8
// INSPECT: b: bf16 [4] at 0x50 scale=1 zp=0 onnx=bool
// INSPECT: held: i32 [4] at 0x40 scale=1 zp=0{{$}}
//
// RUN: rm -rf %t.d && tern run %t1.tern --output-dir %t.d/npy --quiet
// RUN: tern run %t1.tern --output-dir %t.d/pb --output-format pb --quiet
// RUN: %python -c "import numpy as np, onnx; from onnx import numpy_helper as nh; d = '%t.d/'; want = {'u8': np.array([255, 0, 7, 200], np.uint8), 'i8': np.array([-128, 127, 0, -1], np.int8), 'u16': np.array([65535, 0, 300, 1], np.uint16), 'i16': np.array([-32768, 32767, -300, 5], np.int16), 'i64': np.array([-5, 2147483647, -2147483648, 1], np.int64), 'b': np.array([False, True, False, True]), 'held': np.array([-5, 2147483647, -2147483648, 1], np.int32), 'u32': np.array([4294967291, 2147483647, 2147483648, 1], np.uint32), 'u64': np.array([4294967291, 2147483647, 2147483648, 1], np.uint64)}; [(lambda g, w, n: (g.dtype == w.dtype and (g == w).all()) or exit('%%s: %%r, expected %%r' %% (n, g, w)))(x, want[n], n) for n in want for x in (np.load(d + 'npy/' + n + '.npy'), nh.to_array(onnx.load_tensor(d + 'pb/' + n + '.pb')))]; print('declared types OK')" | FileCheck %s --check-prefix=REF
// REF: declared types OK
//
// RUN: sed 's/0x50, onnx=bool/0x50, onnx=int8/' %s > %t.bad.s
// RUN: not tern asm %t.bad.s -o %t.bad.tern 2>&1 | FileCheck %s --check-prefix=HELD
// HELD: ONNX element type 'int8' cannot be held in bf16
// RUN: sed 's/0x0, onnx=uint8/0x0, onnx=float16/' %s > %t.f16.s
// RUN: not tern asm %t.f16.s -o %t.f16.tern 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: unknown ONNX element type 'float16' (uint8, int8, uint16, int16, int64, bool, uint32, uint64)

.target tern-edge
.output "u8", i32, [4], 0x0, onnx=uint8
.output "i8", i32, [4], 0x10, onnx=int8
.output "u16", i32, [4], 0x20, onnx=uint16
.output "i16", i32, [4], 0x30, onnx=int16
.output "i64", i32, [4], 0x40, onnx=int64
.output "b", bf16, [4], 0x50, onnx=bool
.output "held", i32, [4], 0x40
.output "u32", i32, [4], 0x40, onnx=uint32
.output "u64", i32, [4], 0x40, onnx=uint64
.const 0x0, i32, 255, 0, 7, 200
.const 0x10, i32, -128, 127, 0, -1
.const 0x20, i32, 65535, 0, 300, 1
.const 0x30, i32, -32768, 32767, -300, 5
.const 0x40, i32, -5, 2147483647, -2147483648, 1
.const 0x50, bf16, 0, 1, 0, 2.5
end
