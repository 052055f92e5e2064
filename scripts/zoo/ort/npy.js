// .npy (format 1.0-3.0, C order) reading and writing for the onnxruntime
// reference scripts: float32, int64, int32 and bool arrays as the typed
// arrays onnxruntime-node takes and returns.
'use strict';
const fs = require('fs');

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
  return { type, descr: descr[1], shape, data: raw };
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

module.exports = { DTYPES, DESCR, readNpy, writeNpy };
