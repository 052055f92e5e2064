// A program partitioned across two cores: each core doubles one row of x
// in its own scratchpads, a barrier, then core 0 adds the row core 1
// stored to its own. Round trip through the disassembler (`.core`
// directives), the result against numpy, the timing model's partitioned
// report, and each malformed partition refused with a message naming the
// core or the barrier.
//
// RUN: tern asm %s -o %t1.tern
// RUN: tern disasm %t1.tern -o %t.s
// RUN: tern asm %t.s -o %t2.tern
// RUN: cmp %t1.tern %t2.tern
// RUN: FileCheck %s --check-prefix=DIS < %t.s
// DIS: .core 0
// DIS: barrier id=0
// DIS: .core 1
// DIS: barrier id=0
// RUN: tern inspect %t1.tern | FileCheck %s --check-prefix=INSPECT
// INSPECT: cores: 2 streams (instructions 0..12 13..21)
//
// RUN: rm -rf %t.d && mkdir -p %t.d
// RUN: %python -c "import numpy as np; np.save('%t.d/x.npy', np.random.default_rng(3).integers(-2**20, 2**20, (2, 4), dtype=np.int32))"
// RUN: tern run %t1.tern --input x=%t.d/x.npy --output-dir %t.d/out --mode both 2>&1 | FileCheck %s --check-prefix=TIMING
// RUN: %python -c "import numpy as np; x = np.load('%t.d/x.npy'); y = np.load('%t.d/out/y.npy'); assert (y == 2 * x[0:1] + 2 * x[1:2]).all(), (x, y); print('sum OK')" | FileCheck %s --check-prefix=REF
// REF: sum OK
// RUN: tern run %t1.tern --mode perf 2>&1 | FileCheck %s --check-prefix=TIMING
// TIMING: cores: the program is partitioned across 2 cores (utilization: of all of them); 1 barriers, {{[0-9]+}} core-cycles waiting at them
// RUN: not tern run %t1.tern --mode perf --cores 2 2>&1 | FileCheck %s --check-prefix=REPLICATE
// REPLICATE: --cores 2: the program is already partitioned across 2 cores (--cores replicates a one-core program)
// RUN: sed 's/tataa-u280/tern-edge/' %s > %t.edge.s
// RUN: tern asm %t.edge.s -o %t.edge.tern
// RUN: not tern run %t.edge.tern --mode perf 2>&1 | FileCheck %s --check-prefix=EDGE
// EDGE: the program is partitioned across 2 cores; target 'tern-edge' has 1
//
// Without the barrier core 1's store races core 0's load of the same bytes.
// RUN: sed 's/^barrier id=0$//' %s > %t.nobar.s
// RUN: tern asm %t.nobar.s -o %t.nobar.tern
// RUN: not tern run %t.nobar.tern --input x=%t.d/x.npy --output-dir %t.d/nobar 2>&1 | FileCheck %s --check-prefix=RACE
// RACE: dependency violation at instruction 18 (store spad=vec, saddr=64, dram=0x50{{.*}}): writes DRAM byte 0x50 read by instruction 4 (core 0, queue load) with no barrier between the cores
// RUN: not test -e %t.d/nobar/y.npy
// RUN: sed '/^.core 1$/,$ s/^barrier id=0$//' %s > %t.one.s
// RUN: not tern asm %t.one.s -o %t.one.tern 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: core 1 reaches 0 barriers, core 0 1: the cores would deadlock
// RUN: not test -e %t.one.tern
// RUN: sed '/^.core 1$/,$ s/^barrier id=0$/barrier id=1/' %s > %t.id.s
// RUN: not tern asm %t.id.s -o %t.id.tern 2>&1 | FileCheck %s --check-prefix=ID
// ID: core 1's barrier 0 has id 1, core 0's has id 0
// RUN: sed 's/^.core 1$/.core 2/' %s > %t.skip.s
// RUN: not tern asm %t.skip.s -o %t.skip.tern 2>&1 | FileCheck %s --check-prefix=SKIP
// SKIP: expected '.core 1' (cores are numbered in order)
// RUN: sed '0,/^end$/ s/^end$//' %s > %t.noend.s
// RUN: not tern asm %t.noend.s -o %t.noend.tern 2>&1 | FileCheck %s --check-prefix=NOEND
// NOEND: core 0's stream (instructions 0..11) does not end with 'end'

.target tataa-u280
.input "x", i32, [2, 4], 0x0
.output "y", i32, [1, 4], 0x100

.core 0
load spad=vec, saddr=0, dram=0x0, rows=1, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
vadd dsp=vec, dst=64, asp=vec, a=0, bsp=vec, b=0, rows=1, cols=4
barrier id=0
load spad=vec, saddr=128, dram=0x50, rows=1, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
vadd dsp=vec, dst=192, asp=vec, a=64, bsp=vec, b=128, rows=1, cols=4
push from=compute, to=store
pop from=compute, to=store
store spad=vec, saddr=192, dram=0x100, rows=1, cols=16, stride=16
end

.core 1
load spad=vec, saddr=0, dram=0x10, rows=1, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
vadd dsp=vec, dst=64, asp=vec, a=0, bsp=vec, b=0, rows=1, cols=4
push from=compute, to=store
pop from=compute, to=store
store spad=vec, saddr=64, dram=0x50, rows=1, cols=16, stride=16
barrier id=0
end
