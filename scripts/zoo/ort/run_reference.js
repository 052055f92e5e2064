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
const fs = require('fs');
const ort = require('onnxruntime-node');

const DTYPES = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array] };

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) { headerLen = buf.readUInt16LE(8); offset = 10; }
  else if (major === 2 || major === 3) { headerLen = buf.readUInt32LE(8); offset = 12; }
  else throw new Error(`${path}: unsupported .npy version ${major}`);
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${path}: cannot parse header ${header}`);
  if (fortran[1] !== 'False') throw new Error(`${path}: Fortran order is not supported`);
  if (!(descr[1] in DTYPES)) throw new Error(`${path}: dtype ${descr[1]} not supported (float32 '<f4' or int64 '<i8')`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, Ctor] = DTYPES[descr[1]];
  const dataStart = offset + headerLen;
  const count = shape.reduce((a, b) => a * b, 1);
  // Copy into an aligned buffer (the data offset need not be a multiple of the element size).
  const bytes = Buffer.from(buf.subarray(dataStart, dataStart + count * Ctor.BYTES_PER_ELEMENT));
  if (bytes.length !== count * Ctor.BYTES_PER_ELEMENT) throw new Error(`${path}: truncated data`);
  const data = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { type, descr: descr[1], shape, data };
}

function writeNpy(path, descr, shape, typedArray) {
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Pad so that magic(6) + version(2) + len(2) + header + '\n' is a multiple of 64.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(typedArray.buffer, typedArray.byteOffset, typedArray.byteLength);
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

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
