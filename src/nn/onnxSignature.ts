/**
 * Reads an ONNX model's graph inputs and outputs (names and shapes) straight from its protobuf bytes,
 * synchronously and without creating a session, so an encoder knows its dimension at creation.
 * Only the few fields needed are decoded; everything else (weights included) is skipped by length.
 *
 * References: ONNX IR specification, `onnx/onnx.proto` (ModelProto.graph = 7, GraphProto.initializer = 5,
 * input = 11, output = 12; ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1;
 * Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2).
 */

/** One graph input or output: a dimension is a size, a symbolic name (`N`, `batch`) or `null` when unknown. */
export interface OnnxValueInfo {
  name: string;
  shape: (number | string | null)[];
}

export interface OnnxSignature {
  /** Graph inputs that are fed at run time (initializers listed as inputs by old exporters are left out). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0). */
  value: bigint;
  /** Payload bounds (wire 2). */
  start: number;
  end: number;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated protobuf varint');
    const b = buf[pos++];
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [v, pos];
    shift += 7n;
  }
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p] = readVarint(buf, pos);
    pos = p;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, q] = readVarint(buf, pos);
      pos = q;
      yield { no, wire, value, start: 0, end: 0 };
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      const s = q;
      pos = q + Number(len);
      if (pos > end) throw new Error('truncated protobuf field');
      yield { no, wire, value: 0n, start: s, end: pos };
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

const text = new TextDecoder();

function child(buf: Uint8Array, f: Field, no: number): Field | undefined {
  for (const g of fields(buf, f.start, f.end)) if (g.no === no && g.wire === 2) return g;
  return undefined;
}

function valueInfo(buf: Uint8Array, f: Field): OnnxValueInfo {
  let name = '';
  const shape: (number | string | null)[] = [];
  for (const g of fields(buf, f.start, f.end)) {
    if (g.no === 1 && g.wire === 2) name = text.decode(buf.subarray(g.start, g.end));
    if (g.no !== 2 || g.wire !== 2) continue;
    const tensor = child(buf, g, 1);
    const shapeField = tensor && child(buf, tensor, 2);
    if (!shapeField) continue;
    for (const d of fields(buf, shapeField.start, shapeField.end)) {
      if (d.no !== 1 || d.wire !== 2) continue;
      let dim: number | string | null = null;
      for (const x of fields(buf, d.start, d.end)) {
        if (x.no === 1 && x.wire === 0) dim = Number(BigInt.asIntN(64, x.value));
        if (x.no === 2 && x.wire === 2) dim = text.decode(buf.subarray(x.start, x.end));
      }
      shape.push(typeof dim === 'number' && dim <= 0 ? null : dim);
    }
  }
  return { name, shape };
}

function tensorName(buf: Uint8Array, f: Field): string {
  for (const g of fields(buf, f.start, f.end)) if (g.no === 8 && g.wire === 2) return text.decode(buf.subarray(g.start, g.end));
  return '';
}

/**
 * The graph inputs and outputs of an ONNX model.
 * @param bytes the `.onnx` file's bytes (a serialised ModelProto)
 * @throws Error when the bytes are not a ModelProto with a graph
 * @example readOnnxSignature(fs.readFileSync('models/tiny-cnn.onnx')).outputs // [{ name: 'embedding', shape: [1, 32] }]
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  let graph: Field | undefined;
  for (const f of fields(bytes, 0, bytes.length)) if (f.no === 7 && f.wire === 2) graph = f;
  if (!graph) throw new Error('no graph in ONNX model');
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Set<string>();
  for (const f of fields(bytes, graph.start, graph.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 5) initializers.add(tensorName(bytes, f));
    else if (f.no === 11) inputs.push(valueInfo(bytes, f));
    else if (f.no === 12) outputs.push(valueInfo(bytes, f));
  }
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}
