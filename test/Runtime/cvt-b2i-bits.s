// cvt.b2i's `bits` field encodes 0 (int8) or a narrow width 2..7; any other
// value stops the program naming the instruction (docs/ISA.md).
// RUN: tern asm %s -o %t.tern
// RUN: not tern run %t.tern 2>&1 | FileCheck %s
// CHECK: error: {{.*}}invalid instruction at instruction 1 (cvt.b2i {{.*}}bits=8, zp=0): field 'bits' = 8 is not 0 (int8) or a narrow width 2..7
.dram 65536
cfg.const rd=0, bits=0x3f80
cvt.b2i dsp=vec, dst=16, asp=vec, a=0, rows=1, cols=1, creg=0, bits=8
end
