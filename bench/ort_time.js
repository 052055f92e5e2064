#!/usr/bin/env node
// Times onnxruntime (CPU, one intra-op thread, graph optimizations off as for
// the zoo's references) on the first N samples of a fixture: prints the
// median per-sample milliseconds over R repetitions.
//   node bench/ort_time.js model.onnx inputs.npy input_name N R
// Needs onnxruntime-node: (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)
'use strict';
const path = require('path');
const ort = require(path.join(__dirname, '..', 'scripts', 'zoo', 'ort',
                              'node_modules', 'onnxruntime-node'));
const { readNpy } = require(path.join(__dirname, '..', 'scripts', 'zoo', 'ort', 'npy'));

async function main() {
  const [model, inputs, name, nArg, rArg] = process.argv.slice(2);
  const n = Number(nArg), reps = Number(rArg);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled' });
  const x = readNpy(inputs);
  if (x.type !== 'float32') throw new Error(`${inputs}: expected float32, got ${x.type}`);
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
