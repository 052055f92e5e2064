#!/usr/bin/env node
// FP32 onnxruntime reference outputs for Tern's model zoo.
//
//   node run_reference.js MODEL.onnx INPUTS.npy REFERENCE.npy [--opt disabled|basic|extended|all]
//
// INPUTS.npy holds N samples stacked on axis 0 in the model's input layout (float32, C order).
// The models have a static batch of 1, so each sample is run on its own (shape [1, ...]) and the
// outputs are stacked on axis 0 into REFERENCE.npy (float32). Prints one JSON line with the
// onnxruntime version, the optimization level and the shapes.
//
// Default graph optimization level is "disabled": the reference then follows the ONNX
// operator semantics node by node (no fusions; in particular QuantizeLinear/DequantizeLinear
// pairs are not fused into integer kernels). Single-threaded.
'use strict';
const ort = require('onnxruntime-node');

const { readNpy, writeNpy } = require('./npy');

async function main() {
  const args = process.argv.slice(2);
  let opt = 'disabled';
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--opt') opt = args[++i];
    else pos.push(args[i]);
  }
  if (pos.length !== 3) {
    console.error('usage: node run_reference.js MODEL.onnx INPUTS.npy REFERENCE.npy [--opt disabled|basic|extended|all]');
    process.exit(2);
  }
  const [modelPath, inputsPath, refPath] = pos;
  const inp = readNpy(inputsPath);
  const session = await ort.InferenceSession.create(modelPath, {
    graphOptimizationLevel: opt,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  if (session.inputNames.length !== 1) throw new Error(`${modelPath}: expected one input, got ${session.inputNames}`);
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];
  const n = inp.shape[0];
  const sampleShape = [1, ...inp.shape.slice(1)];
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  let out = null, outSampleShape = null;
  for (let i = 0; i < n; i++) {
    const x = new ort.Tensor(inp.type, inp.data.slice(i * sampleSize, (i + 1) * sampleSize), sampleShape);
    const res = await session.run({ [inName]: x });
    const y = res[outName];
    if (y.type !== 'float32') throw new Error(`output ${outName} is ${y.type}, expected float32`);
    if (out === null) {
      outSampleShape = y.dims.slice();
      out = new Float32Array(n * y.data.length);
    }
    out.set(y.data, i * y.data.length);
  }
  const outShape = [n * outSampleShape[0], ...outSampleShape.slice(1)];
  writeNpy(refPath, '<f4', outShape, out);
  console.log(JSON.stringify({
    onnxruntime: ort.env.versions.node || ort.env.versions.common,
    graph_optimization_level: opt,
    input: inName, input_shape: inp.shape, output: outName, output_shape: outShape,
  }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
