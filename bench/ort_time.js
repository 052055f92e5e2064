#!/usr/bin/env node
// Times onnxruntime (CPU, one intra-op thread, graph optimizations off as for
// the zoo's references) on the first N samples of a fixture: prints the
// median per-sample milliseconds over R repetitions.
//   node bench/ort_time.js model.onnx inputs.npy input_name N R
// Needs onnxruntime-node: (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)
'use strict';
const path = require('path');
const fs = require('fs');
const ort = require(path.join(__dirname, '..', 'scripts', 'zoo', 'ort',
                              'node_modules', 'onnxruntime-node'));

function readNpyF32(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
                    .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(
      Buffer.from(buf.subarray(10 + headerLen, 10 + headerLen + 4 * count))
          .buffer);
  return { shape, data };
}

async function main() {
  const [model, inputs, name, nArg, rArg] = process.argv.slice(2);
  const n = Number(nArg), reps = Number(rArg);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled' });
  const x = readNpyF32(inputs);
  const per = x.data.length / x.shape[0];
  const sampleShape = [1, ...x.shape.slice(1)];
  const times = [];
  for (let r = 0; r < reps; ++r) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; ++i) {
      const t = new ort.Tensor('float32', x.data.slice(i * per, (i + 1) * per),
                               sampleShape);
      await session.run({ [name]: t });
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
  }
  times.sort((a, b) => a - b);
  console.log(`onnxruntime: ${times[Math.floor(reps / 2)].toFixed(3)} ms per sample (median of ${reps})`);
}
main();
