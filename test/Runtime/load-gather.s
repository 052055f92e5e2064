// load.gather: DRAM table rows picked by int32 indices in the vec scratchpad
// (the run-time embedding lookup). Round trip through the disassembler, the
// copied rows against numpy's take, negative indices counting from the end
// (ONNX Gather: -1 is the last row, -5 the first), and a bad index (past the
// table at either end) stopping the program with an error that names the
// instruction and the source location.
//
// RUN: tern asm %s -o %t1.tern
// RUN: tern disasm %t1.tern -o %t.s
// RUN: tern asm %t.s -o %t2.tern
// RUN: cmp %t1.tern %t2.tern
// RUN: FileCheck %s --check-prefix=DIS < %t.s
// DIS: load.gather spad=act, saddr=0, dram=0x100, idx=0, rows=3, cols=4, n=5
//
// RUN: rm -rf %t.d && mkdir -p %t.d
// RUN: %python -c "import numpy as np; np.save('%t.d/ids.npy', np.array([4, 0, 2], np.int32)); np.save('%t.d/past.npy', np.array([1, 5, 0], np.int32)); np.save('%t.d/neg.npy', np.array([-1, -5, -2], np.int32)); np.save('%t.d/under.npy', np.array([1, 0, -6], np.int32))"
// RUN: tern run %t1.tern --input ids=%t.d/ids.npy --output-dir %t.d/out --quiet
// RUN: %python -c "import numpy as np; t = np.arange(20, dtype=np.int8).reshape(5, 4) * 3 - 7; y = np.load('%t.d/out/y.npy'); assert (y == t[[4, 0, 2]]).all(), y; print('rows OK')" | FileCheck %s --check-prefix=REF
// REF: rows OK
// RUN: not tern run %t1.tern --input ids=%t.d/past.npy --output-dir %t.d/bad 2>&1 | FileCheck %s --check-prefix=PAST
// PAST: runtime error at instruction 3 (load.gather {{.*}}) [embed/Gather]: gather index 5 at position 1 is outside the 5 table rows
// RUN: tern run %t1.tern --input ids=%t.d/neg.npy --output-dir %t.d/neg --quiet
// RUN: %python -c "import numpy as np; t = np.arange(20, dtype=np.int8).reshape(5, 4) * 3 - 7; y = np.load('%t.d/neg/y.npy'); assert (y == t[[4, 0, 3]]).all(), y; print('negative rows OK')" | FileCheck %s --check-prefix=NEG
// NEG: negative rows OK
// RUN: not tern run %t1.tern --input ids=%t.d/under.npy --output-dir %t.d/bad 2>&1 | FileCheck %s --check-prefix=UNDER
// UNDER: runtime error at instruction 3 (load.gather {{.*}}) [embed/Gather]: gather index -6 at position 2 is outside the 5 table rows

.target tern-edge
.input "ids", i32, [3], 0x0
.output "y", i8, [3, 4], 0x200
.const 0x100, i8, -7, -4, -1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50

load spad=vec, saddr=0, dram=0x0, rows=1, cols=12, stride=12
push from=load, to=compute
pop from=load, to=compute
.loc "embed/Gather"
load.gather spad=act, saddr=0, dram=0x100, idx=0, rows=3, cols=4, n=5
.loc ""
push from=load, to=store
pop from=load, to=store
store spad=act, saddr=0, dram=0x200, rows=3, cols=4, stride=4
end
