// `tern run --cores N --bus shared|split`: how the N cores share DRAM
// (docs/Timing.md, "Several cores"). tataa-u280: 115.2 GB/s at 225 MHz =
// 512 B/cycle for the whole channel, 300 ns = 68 cycles of latency, 8 cores.
// RUN: tern asm %s -o %t.tern
// RUN: tern run %t.tern --mode perf --cores 8 --bus split 2>&1 | FileCheck %s --check-prefix=SPLIT
// RUN: tern run %t.tern --mode perf --cores 8 --bus shared 2>&1 | FileCheck %s --check-prefix=SHARED
// RUN: tern run %t.tern --mode perf --cores 8 2>&1 | FileCheck %s --check-prefix=SHARED
// RUN: tern run %t.tern --mode perf --bus split 2>&1 | FileCheck %s --check-prefix=ONE
// RUN: tern run %t.tern --mode perf --bus shared 2>&1 | FileCheck %s --check-prefix=ONE
// RUN: not tern run %t.tern --mode perf --cores 8 --bus fast --stats %t.stats.json 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not test -e %t.stats.json
// RUN: not tern report %t.tern -o %t.html --cores 8 --bus ring 2>&1 | FileCheck %s --check-prefix=BADREPORT
// RUN: not test -e %t.html

// Four 4096-byte loads in a row on each core. Split: each core has 64
// B/cycle, 4 x (68 + 64) = 528.
// SPLIT: cycles: 528 (
// Shared: the first round of transfers takes 8 cycles each, one core after
// another; the last core's data arrive at 8 x 8 + 68 = 132. After that
// each core's next request (its previous data in) finds the channel free:
// 76 cycles per load, 132 + 3 x 76 = 360 for the last core.
// SHARED: cycles: 360 (
// One core alone: 4 x (68 + 8) = 304 either way.
// ONE: cycles: 304 (
// BAD: --bus must be shared or split, not 'fast'
// BADREPORT: --bus must be shared or split, not 'ring'

.target tataa-u280
.dram 16384
load spad=act, saddr=0, dram=0x0, rows=32, cols=128, stride=128
load spad=act, saddr=0, dram=0x0, rows=32, cols=128, stride=128
load spad=act, saddr=0, dram=0x0, rows=32, cols=128, stride=128
load spad=act, saddr=0, dram=0x0, rows=32, cols=128, stride=128
end
