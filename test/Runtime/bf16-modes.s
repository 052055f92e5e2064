// bf16 I/O (float32 .npy in, exact float32 .npy out) and the two arithmetic
// modes on hand-computed cases: x + 2^-8 for x = 1, 1.0078125, 2.5, -3.
//   ieee:  1 + 2^-8 ties to even -> 1; 1.0078125 + 2^-8 -> 1.015625 (tie, even)
//   tataa: an exponent gap of 8 flushes 2^-8 entirely -> x unchanged
//
// RUN: tern asm %s -o %t.tern
// RUN: rm -rf %t.in %t.out && mkdir -p %t.in
// RUN: %python -c "import numpy as np, sys; np.save(sys.argv[1], np.array([1.0, 1.0078125, 2.5, -3.0], np.float32))" %t.in/x.npy
// RUN: tern run %t.tern --input x=%t.in/x.npy --output-dir %t.out --quiet
// RUN: %python -c "import numpy as np, sys; [print(n, *np.load(sys.argv[1] + '/' + n + '.npy').tolist()) for n in ('ieee', 'tataa')]" %t.out | FileCheck %s
// CHECK: ieee 1.0 1.015625 2.5 -3.0
// CHECK: tataa 1.0 1.0078125 2.5 -3.0

.input "x", bf16, [4], 0x0
.output "ieee", bf16, [4], 0x100
.output "tataa", bf16, [4], 0x200
load spad=vec, saddr=0, dram=0x0, rows=1, cols=8, stride=8
push from=load, to=compute
pop from=load, to=compute
cfg.const rd=0, bits=0x3b80
cfg.mode mode=ieee
vadd dsp=vec, dst=64, asp=vec, a=0, rows=1, cols=4, ty=bf16, bconst=1, creg=0
cfg.mode mode=tataa
vadd dsp=vec, dst=128, asp=vec, a=0, rows=1, cols=4, ty=bf16, bconst=1, creg=0
push from=compute, to=store
pop from=compute, to=store
store spad=vec, saddr=64, dram=0x100, rows=1, cols=8, stride=8
store spad=vec, saddr=128, dram=0x200, rows=1, cols=8, stride=8
end
