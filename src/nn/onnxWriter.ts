/**
 * Writes small float32 ONNX graphs as protobuf bytes, without Python: the tests build their multi-input,
 * multi-output and dynamic-batch fixtures with it. Real models come from the recipes under `train/`.
 *
 * References: ONNX IR specification, `onnx/onnx.proto` (field numbers below; AttributeProto types
 * INT = 2, INTS = 7; TensorProto.DataType FLOAT = 1).
 */

/** A graph input or output: a dimension is a size or a symbolic name such as `N` (dynamic batch). */
export interface ValueSpec {
  name: string;
  shape: (number | string)[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer and integer-list attributes, e.g. `{ pads: [1, 1, 1, 1], axis: 1 }`. */
  attributes?: Record<string, number | number[]>;
}

export interface InitializerSpec {
  name: string;
  dims: number[];
  /** Row-major values, `dims` product long. */
  values: Float32Array;
}

export interface GraphSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
  /** Default opset 13. */
  opset?: number;
}

class Writer {
  private parts: number[] = [];

  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }

  int(no: number, v: number): this {
    return this.varint(no << 3).varint(v);
  }

  bytes(no: number, b: Uint8Array): this {
    this.varint((no << 3) | 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }

  string(no: number, s: string): this {
    return this.bytes(no, new TextEncoder().encode(s));
  }

  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function valueInfo(v: ValueSpec): Uint8Array {
  const shape = new Writer();
  for (const d of v.shape) shape.bytes(1, typeof d === 'number' ? new Writer().int(1, d).done() : new Writer().string(2, d).done());
  const tensorType = new Writer().int(1, 1).bytes(2, shape.done()).done();
  return new Writer().string(1, v.name).bytes(2, new Writer().bytes(1, tensorType).done()).done();
}

function node(n: NodeSpec, index: number): Uint8Array {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op.toLowerCase()}_${index}`).string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes ?? {})) {
    const a = new Writer().string(1, name);
    if (Array.isArray(value)) {
      for (const x of value) a.int(8, x);
      a.int(20, 7);
    } else a.int(3, value).int(20, 2);
    w.bytes(5, a.done());
  }
  return w.done();
}

function tensor(t: InitializerSpec): Uint8Array {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  const raw = new Uint8Array(t.values.length * 4);
  const view = new DataView(raw.buffer);
  t.values.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return w.int(2, 1).string(8, t.name).bytes(9, raw).done();
}

/**
 * Serialises a float32 graph as an ONNX ModelProto (IR version 8).
 * @example onnxModelBytes({ inputs: [{ name: 'a', shape: ['N', 4] }], outputs: [{ name: 'y', shape: ['N', 4] }],
 *   nodes: [{ op: 'Relu', inputs: ['a'], outputs: ['y'] }] })
 */
export function onnxModelBytes(g: GraphSpec): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => graph.bytes(1, node(n, i)));
  graph.string(2, 'deja_fixture');
  for (const t of g.initializers ?? []) graph.bytes(5, tensor(t));
  for (const v of g.inputs) graph.bytes(11, valueInfo(v));
  for (const v of g.outputs) graph.bytes(12, valueInfo(v));
  const opset = new Writer().string(1, '').int(2, g.opset ?? 13).done();
  return new Writer().int(1, 8).string(2, 'deja').bytes(7, graph.done()).bytes(8, opset).done();
}
