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

const { DESCR, readNpy, writeNpy } = require('./npy');

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
