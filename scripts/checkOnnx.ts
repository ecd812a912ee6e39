/**
 * Checks an exported ONNX model against the framework it came from, through Deja's own inference path
 * (onnxruntime-node via nn/onnxSession.ts). Used by the PyTorch recipes under train/ after export.
 *
 *   node --import tsx scripts/checkOnnx.ts <model.onnx> <check-folder>
 *
 * The folder holds `check.json` ({ inputs: {name: dims}, outputs: [names], rows?: true }) and one raw
 * little-endian float32 file per tensor (`<name>.f32`). Prints `{ "maxAbsDiff": { output: value },
 * "batchOneDiff": { output: value }, "batch": N }` as JSON (with `rows`, also `"rowMaxAbsDiff": { output:
 * [one per batch row] }`); each output is also run at batch 1 on the first row, to check the dynamic batch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onnxModel, type FloatTensor } from '../src/nn/onnxSession.ts';

const [modelFile, folder] = process.argv.slice(2);
if (!modelFile || !folder) {
  console.error('usage: checkOnnx.ts <model.onnx> <check-folder>');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(path.join(folder, 'check.json'), 'utf8')) as { inputs: Record<string, number[]>; outputs: string[]; rows?: boolean };
const read = (name: string) => {
  const b = fs.readFileSync(path.join(folder, `${name}.f32`));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const inputs: Record<string, FloatTensor> = {};
for (const [name, dims] of Object.entries(spec.inputs)) inputs[name] = { data: read(name), dims };
const model = onnxModel(modelFile, { threads: 2 });
const got = await model.runBatch(inputs, spec.outputs);
const maxAbsDiff: Record<string, number> = {};
const rowMaxAbsDiff: Record<string, number[]> = {};
for (const name of spec.outputs) {
  const want = read(name);
  const g = got[name].data;
  if (g.length !== want.length) throw new Error(`${name}: ${g.length} values, expected ${want.length}`);
  const rows = got[name].dims[0];
  const per = g.length / rows;
  rowMaxAbsDiff[name] = new Array<number>(rows).fill(0);
  for (let i = 0; i < g.length; i++) rowMaxAbsDiff[name][Math.floor(i / per)] = Math.max(rowMaxAbsDiff[name][Math.floor(i / per)], Math.abs(g[i] - want[i]));
  maxAbsDiff[name] = Math.max(0, ...rowMaxAbsDiff[name]);
}
// Batch of one: the first row alone must give the first row of the batch.
const one: Record<string, FloatTensor> = {};
for (const [name, t] of Object.entries(inputs)) {
  const per = t.data.length / t.dims[0];
  one[name] = { data: t.data.slice(0, per), dims: [1, ...t.dims.slice(1)] };
}
const single = await model.runBatch(one, spec.outputs);
const batchOneDiff: Record<string, number> = {};
for (const name of spec.outputs) {
  const s = single[name].data;
  let m = 0;
  for (let i = 0; i < s.length; i++) m = Math.max(m, Math.abs(s[i] - got[name].data[i]));
  batchOneDiff[name] = m;
}
console.log(JSON.stringify({ maxAbsDiff, batchOneDiff, batch: inputs[Object.keys(inputs)[0]].dims[0], ...(spec.rows ? { rowMaxAbsDiff } : {}) }));
