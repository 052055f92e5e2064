// rsfu.fn's 3-bit `fn` field names exp, tanh, sigmoid, erf or log (0..4);
// 5..7 stop the program naming the instruction (docs/ISA.md).
// RUN: tern asm %s -o %t.tern
// RUN: not tern run %t.tern 2>&1 | FileCheck %s
// CHECK: error: {{.*}}invalid instruction at instruction 0 (rsfu.fn {{.*}}fn=5): rsfu.fn: fn=5 is not a function (exp, tanh, sigmoid, erf, log)
.dram 65536
rsfu.fn dsp=act, dst=64, asp=act, a=0, rows=1, cols=1, fn=5
end
