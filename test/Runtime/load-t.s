// load.t: the DMA's transposing load, for 4-, 1- and 2-byte elements, a
// whole block and a strided sub-block. Round trip through the
// disassembler, the scratchpad contents (stored back to DRAM) against
// numpy's transpose, and each operand error stopping the program with a
// message that names the instruction.
//
// RUN: tern asm %s -o %t1.tern
// RUN: tern disasm %t1.tern -o %t.s
// RUN: tern asm %t.s -o %t2.tern
// RUN: cmp %t1.tern %t2.tern
// RUN: FileCheck %s --check-prefix=DIS < %t.s
// DIS: load.t spad=act, saddr=0, dram=0x0, rows=3, cols=20, stride=20, ebytes=4
// DIS: load.t spad=wgt, saddr=0, dram=0x42, rows=4, cols=4, stride=6, ebytes=1
// DIS: load.t spad=vec, saddr=0, dram=0x80, rows=2, cols=8, stride=8, ebytes=2
//
// RUN: rm -rf %t.d && mkdir -p %t.d
// RUN: %python -c "import numpy as np; r = np.random.default_rng(7); np.save('%t.d/x.npy', r.integers(-2**31, 2**31, (3, 5), dtype=np.int32)); np.save('%t.d/v.npy', r.integers(-128, 128, (4, 6), dtype=np.int8)); np.save('%t.d/p.npy', r.integers(-128, 128, (2, 8), dtype=np.int8))"
// RUN: tern run %t1.tern --input x=%t.d/x.npy --input v=%t.d/v.npy --input p=%t.d/p.npy --output-dir %t.d/out --quiet
// RUN: %python -c "import numpy as np; d = '%t.d/'; x, v, p = (np.load(d + n + '.npy') for n in 'xvp'); o = lambda n: np.load(d + 'out/' + n + '.npy'); assert (o('xt') == x.T).all(); assert (o('vt') == v[:, 2:6].T).all(); pt = np.ascontiguousarray(p.view('<i2').T).view(np.int8); assert (o('pt') == pt).all(), (o('pt'), pt); print('transposes OK')" | FileCheck %s --check-prefix=REF
// REF: transposes OK
//
// RUN: sed 's/cols=8, stride=8, ebytes=2/cols=8, stride=8, ebytes=3/' %s > %t.e3.s
// RUN: tern asm %t.e3.s -o %t.e3.tern
// RUN: not tern run %t.e3.tern --input x=%t.d/x.npy --input v=%t.d/v.npy --input p=%t.d/p.npy --output-dir %t.d/e3 2>&1 | FileCheck %s --check-prefix=E3
// E3: invalid instruction at instruction 6 (load.t spad=vec{{.*}}) [p/Transpose]: element size 3 is not 1, 2 or 4 bytes
// RUN: not test -e %t.d/e3/pt.npy
// RUN: sed 's/cols=8, stride=8, ebytes=2/cols=7, stride=8, ebytes=2/' %s > %t.odd.s
// RUN: tern asm %t.odd.s -o %t.odd.tern
// RUN: not tern run %t.odd.tern --input x=%t.d/x.npy --input v=%t.d/v.npy --input p=%t.d/p.npy 2>&1 | FileCheck %s --check-prefix=ODD
// ODD: invalid instruction at instruction 6 (load.t {{.*}}) [p/Transpose]: row size 7 is not a whole number of 2-byte elements
// RUN: sed 's/cols=8, stride=8, ebytes=2/cols=8, stride=6, ebytes=2/' %s > %t.ovl.s
// RUN: tern asm %t.ovl.s -o %t.ovl.tern
// RUN: not tern run %t.ovl.tern --input x=%t.d/x.npy --input v=%t.d/v.npy --input p=%t.d/p.npy 2>&1 | FileCheck %s --check-prefix=OVL
// OVL: invalid instruction at instruction 6 (load.t {{.*}}) [p/Transpose]: DRAM stride 6 is smaller than the row size 8

.target tern-edge
.input "x", i32, [3, 5], 0x0
.input "v", i8, [4, 6], 0x40
.input "p", i8, [2, 8], 0x80
.output "xt", i32, [5, 3], 0x100
.output "vt", i8, [4, 4], 0x140
.output "pt", i8, [4, 4], 0x180

load.t spad=act, saddr=0, dram=0x0, rows=3, cols=20, stride=20, ebytes=4
push from=load, to=store
pop from=load, to=store
store spad=act, saddr=0, dram=0x100, rows=1, cols=60, stride=60
// Columns 2..5 of v: a strided sub-block.
load.t spad=wgt, saddr=0, dram=0x42, rows=4, cols=4, stride=6, ebytes=1
push from=load, to=store
.loc "p/Transpose"
load.t spad=vec, saddr=0, dram=0x80, rows=2, cols=8, stride=8, ebytes=2
.loc ""
push from=load, to=store
pop from=load, to=store
store spad=wgt, saddr=0, dram=0x140, rows=4, cols=4, stride=4
pop from=load, to=store
store spad=vec, saddr=0, dram=0x180, rows=4, cols=4, stride=4
end
