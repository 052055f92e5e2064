// `tern report`: a self-contained HTML page with inline SVG charts (per-layer
// latency breakdown, unit utilisation over time, roofline) named by the debug
// map. No scripts and no external resources.
// RUN: tern asm %s -o %t.tern
// RUN: rm -f %t.html
// RUN: tern report %t.tern -o %t.html --title "two <layers>" --bins 10 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t.html
// RUN: FileCheck %s --input-file %t.html --check-prefix=NOEXT
// RUN: not tern report %t.tern -o %t.bad.html --cores 2 2>&1 | FileCheck %s --check-prefix=CORES
// RUN: not tern report %t.tern -o %t.bad.html --bins 0 2>&1 | FileCheck %s --check-prefix=BINS
// RUN: not ls %t.bad.html

// LOG: cycles: [[CYCLES:[0-9]+]] (
// LOG: throughput: {{.*}} GOPS on 6144 MACs (2 ops/MAC); peak 256.0 GOPS int8, 8.0 GFLOPS bf16

// CHECK: <title>two &lt;layers&gt;</title>
// CHECK: Target <b>tern-edge</b>
// CHECK: <li>[[CYCLES:[0-9]+]] cycles,
// CHECK: <h2>Per-layer latency breakdown</h2>
// CHECK-NEXT: <svg id="layers"
// fc1: two loads (50 cycles of latency + 128 or 256 bytes at 25.6 B/cycle:
// 55 + 60), then its matrix tile (16 + 16 + 1); fc2: one tile of k = 32.
// CHECK: <g class="layer"><text {{.*}}>fc1</text><rect {{.*}}fill="#0072B2"><title>fc1: dma 115 cycles</title></rect><rect {{.*}}fill="#D55E00"><title>fc1: matrix 33 cycles</title></rect><text {{.*}}>148</text></g>
// CHECK: <text {{.*}}>fc2 &amp; gelu</text><rect {{.*}}><title>fc2 &amp; gelu: matrix 49 cycles</title></rect>
// CHECK: </svg>
// CHECK: <h2>Unit utilisation over time</h2>
// CHECK-NEXT: <svg id="utilisation"
// CHECK: <polyline class="unit-dma"
// CHECK: <polyline class="unit-matrix"
// CHECK: </svg>
// CHECK: <h2>Roofline</h2>
// CHECK: <svg id="roofline"
// CHECK: <polyline class="roof"
// CHECK: peak 256.0 GOPS
// CHECK: DRAM 12.8 GB/s
// fc1: 4096 ops over 384 DRAM bytes in its 150-cycle span at 500 MHz.
// CHECK: <circle class="point" {{.*}}><title>fc1: 10.67 op/B, 13.7 GOPS</title></circle>
// fc2 moves no DRAM bytes of its own: drawn at the right edge.
// CHECK: <circle class="point" {{.*}}><title>fc2 &amp; gelu: 0.00 op/B, 83.6 GOPS</title></circle>
// CHECK: </svg>
// CHECK: <tr><th>layer</th><th>span (cycles)</th><th>dma</th><th>matrix</th><th>MACs</th><th>DRAM bytes</th></tr>
// CHECK-NEXT: <tr><td>fc1</td><td>150</td><td>115</td><td>33</td><td>2048</td><td>384</td></tr>
// CHECK-NEXT: <tr><td>fc2 &amp; gelu</td><td>49</td><td>0</td><td>49</td><td>4096</td><td>0</td></tr>
// CHECK-NEXT: <tr><td>fc2/store</td>
// CHECK: </html>

// NOEXT-NOT: <script
// NOEXT-NOT: http://www.w3.org/1999
// NOEXT-NOT: src=
// NOEXT-NOT: href=

// CORES: --cores must be between 1 and the preset's 1 cores, not 2
// BINS: --bins must be between 1 and 10000, not 0

.target tern-edge
.dram 8192
.input "x", i8, [8, 16], 0x0
.output "y", i32, [8, 16], 0x1000
.loc "fc1"
load spad=act, saddr=0, dram=0x0, rows=8, cols=16, stride=16
load spad=wgt, saddr=0, dram=0x400, rows=16, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
gemm dst=0, a=0, w=0, m=8, k=16, n=16
.loc "fc2 & gelu"
gemm dst=1024, a=0, w=0, m=8, k=32, n=16
push from=compute, to=store
.loc "fc2/store"
pop from=compute, to=store
store spad=acc, saddr=0, dram=0x1000, rows=8, cols=64, stride=64
end
