// asm -> disasm -> asm gives identical bytes, for every directive kind.
//
// RUN: tern asm %s -o %t1.tern
// RUN: tern disasm %t1.tern -o %t.s
// RUN: tern asm %t.s -o %t2.tern
// RUN: cmp %t1.tern %t2.tern
// RUN: FileCheck %s < %t.s

// CHECK: .target tern-edge
// CHECK: .dram 8192
// CHECK: .input "x:0", i8, [2, 3], 0x0, scale=0.10000000000000001, zp=-4
// CHECK: .const 0x100, i4, count=3, hex "1f07"
// CHECK: .const 0x200, u8, count=4, hex "0000c03f"
// CHECK: .loc "node/a"
// CHECK-NEXT: cfg.ireg rd=2, value=-123456
// CHECK: .loc ""
// CHECK-NEXT: end

.target tern-edge
.dram 8192
.input "x:0", i8, [2, 3], 0x0, scale=0.1, zp=-4
.output "y", bf16, [3], 0x40
.const 0x100, i4, -1, 1, 7
.const 0x200, f32, 1.5
.const 0x300, i6, -32, 31, 0, 5, 9
.loc "node/a"
cfg.ireg rd=2, value=-123456
cfg.requant rd=1, mult=-1, shift=7, zp=-3
.loc ""
end
