#!/usr/bin/env node
// FP32 onnxruntime outputs of an ONNX graph with any number of named inputs.
//
//   node run_graph.js MODEL.onnx OUT_DIR NAME=INPUT.npy [NAME=INPUT.npy ...] [--opt LEVEL]
//
// Feeds each INPUT.npy (float32 '<f4', int64 '<i8', int32 '<i4' or bool '|b1', C order) to
// the graph input NAME as is (no batching over axis 0, unlike run_reference.js), runs the
// graph once, and writes every graph output to OUT_DIR/<output name>.npy (float32, int64,
// int32 or bool as onnxruntime returns it). Prints one JSON line with the onnxruntime
// version, the optimization level and the output shapes.
//
// Same session settings as run_reference.js: graph optimizations "disabled" by default (the
// outputs follow the ONNX operator semantics node by node, no fusions), one intra-op and one
// inter-op thread. Used by scripts/gen_e2e_bert_gpt.py for test/e2e/bert-gpt.test's
// references and by bench/vit_b16.sh.
//
// Needs onnxruntime-node: (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array],
  '<i8': ['int64', BigInt64Array],
  '<i4': ['int32', Int32Array],
  '|b1': ['bool', Uint8Array],
};
const DESCR = { float32: '<f4', int64: '<i8', int32: '<i4', bool: '|b1' };

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) { headerLen = buf.readUInt16LE(8); offset = 10; }
  else if (major === 2 || major === 3) { headerLen = buf.readUInt32LE(8); offset = 12; }
  else throw new Error(`${file}: unsupported .npy version ${major}`);
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) throw new Error(`${file}: cannot parse header ${header}`);
  if (fortran[1] !== 'False') throw new Error(`${file}: Fortran order is not supported`);
  if (!(descr[1] in DTYPES)) throw new Error(`${file}: dtype ${descr[1]} not supported (${Object.keys(DTYPES).join(', ')})`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, Ctor] = DTYPES[descr[1]];
  const dataStart = offset + headerLen;
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.from(buf.subarray(dataStart, dataStart + count * Ctor.BYTES_PER_ELEMENT));
  if (bytes.length !== count * Ctor.BYTES_PER_ELEMENT) throw new Error(`${file}: truncated data`);
  const raw = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  // onnxruntime-node takes bool tensors as Uint8Array.
  return { type, shape, data: raw };
}

function writeNpy(file, descr, shape, typedArray) {
  const shapeStr = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(typedArray.buffer, typedArray.byteOffset, typedArray.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const args = process.argv.slice(2);
  let opt = 'disabled';
  const pos = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--opt') opt = args[++i];
    else pos.push(args[i]);
  }
  if (pos.length < 3) {
    console.error('usage: node run_graph.js MODEL.onnx OUT_DIR NAME=INPUT.npy [NAME=INPUT.npy ...] [--opt disabled|basic|extended|all]');
    process.exit(2);
  }
  const [modelPath, outDir, ...bindings] = pos;
  const session = await ort.InferenceSession.create(modelPath, {
    graphOptimizationLevel: opt,
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const feeds = {};
  for (const b of bindings) {
    const eq = b.indexOf('=');
    if (eq <= 0) throw new Error(`input binding '${b}' is not NAME=FILE.npy`);
    const name = b.slice(0, eq);
    if (!session.inputNames.includes(name)) {
      throw new Error(`${modelPath} has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    }
    const t = readNpy(b.slice(eq + 1));
    feeds[name] = new ort.Tensor(t.type, t.data, t.shape);
  }
  for (const name of session.inputNames) {
    if (!(name in feeds)) throw new Error(`no value given for input '${name}'`);
  }
  const res = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  const outputs = {};
  for (const name of session.outputNames) {
    const y = res[name];
    if (!(y.type in DESCR)) throw new Error(`output ${name} has type ${y.type}, not writable`);
    writeNpy(path.join(outDir, `${name}.npy`), DESCR[y.type], y.dims, y.data);
    outputs[name] = { type: y.type, shape: y.dims };
  }
  console.log(JSON.stringify({
    onnxruntime: ort.env.versions.node || ort.env.versions.common,
    graph_optimization_level: opt,
    outputs,
  }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
