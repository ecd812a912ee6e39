import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { DejaError } from '../core/errors.ts';
import { assertProviderAvailable, CUDA_HINT, type ExecutionProvider } from './executionProvider.ts';

/** A float32 tensor: row-major values and their shape (`data.length` is the product of `dims`). */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** How a session runs: intra-op threads (1–64, default 1: the worker pool parallelises over photos) and the provider. */
export interface SessionOptions {
  threads?: number;
  provider?: ExecutionProvider;
}

/** A graph input or output as the runtime reports it; a dimension is a size or a symbolic name such as `N`. */
export interface TensorInfo {
  name: string;
  shape: readonly (number | string)[];
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0];

/**
 * The one seam to onnxruntime-node: a lazily created, disposable inference session.
 * Sessions are cached per model file, thread count and provider, so encoders can be created cheaply and
 * the model is loaded on first use (Immich and transformers.js do the same).
 */
export class OnnxModel {
  private session?: Promise<ort.InferenceSession>;
  readonly threads: number;
  readonly provider: ExecutionProvider;
  /** The model's bytes when it was built in memory (`OnnxModel.fromBytes`), instead of read from `file`. */
  private bytes?: Uint8Array;

  /**
   * A model built in memory (e.g. by `onnxModelBytes`): `name` stands for the file in messages.
   * @example const gemm = OnnxModel.fromBytes('knn-gemm-128', onnxModelBytes(graph), { threads: 2 });
   */
  static fromBytes(name: string, bytes: Uint8Array, options: SessionOptions = {}): OnnxModel {
    const model = new OnnxModel(name, options);
    model.bytes = bytes;
    return model;
  }

  constructor(
    readonly file: string,
    options: SessionOptions = {},
  ) {
    this.threads = options.threads ?? 1;
    this.provider = options.provider ?? 'cpu';
    if (!Number.isInteger(this.threads) || this.threads < 1 || this.threads > 64)
      throw new DejaError('BAD_ARGUMENT', `Expected integer between 1 and 64 for threads but received ${options.threads}`);
    assertProviderAvailable(this.provider);
  }

  private open(): Promise<ort.InferenceSession> {
    if (!this.session) {
      if (!this.bytes && !fs.existsSync(this.file))
        throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file: this.file, hint: 'pass --model with the path of an .onnx file' });
      const options: ort.InferenceSession.SessionOptions = {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionProviders: [this.provider],
      };
      const created = this.bytes ? ort.InferenceSession.create(this.bytes, options) : ort.InferenceSession.create(this.file, options);
      this.session = created.catch((e) => {
        this.session = undefined;
        const cuda = this.provider === 'cuda';
        throw new DejaError('MODEL_ERROR', `cannot load ONNX model${cuda ? ' on cuda' : ''}: ${firstLine(e)}`, {
          file: this.file,
          hint: cuda ? CUDA_HINT : 'check that the file is a valid ONNX model',
        });
      });
    }
    return this.session;
  }

  /** Input and output names, for validation and error messages. */
  async signature(): Promise<{ inputs: readonly string[]; outputs: readonly string[] }> {
    const s = await this.open();
    return { inputs: s.inputNames, outputs: s.outputNames };
  }

  /** Inputs and outputs with their shapes, as the loaded session reports them. */
  async metadata(): Promise<{ inputs: TensorInfo[]; outputs: TensorInfo[] }> {
    const s = await this.open();
    const info = (m: ort.InferenceSession.ValueMetadata): TensorInfo => ({ name: m.name, shape: m.isTensor ? m.shape : [] });
    return { inputs: s.inputMetadata.map(info), outputs: s.outputMetadata.map(info) };
  }

  /**
   * Runs the model once on named float32 inputs, a whole batch at a time.
   * @param inputs every graph input by name, e.g. `{ image: { data, dims: [8, 3, 64, 64] } }` (NCHW, batch first)
   * @param outputs the outputs wanted; all of them when omitted
   * @returns each output's values and shape, by name
   * @throws DejaError BAD_ARGUMENT for a missing, unknown or mis-sized input or an unknown output
   *   (the valid names listed); MODEL_ERROR when the runtime fails
   * @example const { sum, prod } = await model.runBatch({ a: { data: a, dims: [2, 4] }, b: { data: b, dims: [2, 4] } });
   */
  async runBatch(inputs: Readonly<Record<string, FloatTensor>>, outputs?: readonly string[]): Promise<Record<string, FloatTensor>> {
    const s = await this.open();
    const given = Object.keys(inputs);
    const inputList = `[${s.inputNames.join(', ')}]`;
    for (const name of given)
      if (!s.inputNames.includes(name)) throw new DejaError('BAD_ARGUMENT', `model has no input "${name}": must be one of ${inputList}`, { file: this.file });
    for (const name of s.inputNames)
      if (!given.includes(name)) throw new DejaError('BAD_ARGUMENT', `model input "${name}" not given: it takes ${inputList}`, { file: this.file });
    const wanted = outputs ?? s.outputNames;
    for (const name of wanted)
      if (!s.outputNames.includes(name))
        throw new DejaError('BAD_ARGUMENT', `model has no output "${name}": must be one of [${s.outputNames.join(', ')}]`, { file: this.file });
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) {
      const n = t.dims.reduce((a, b) => a * b, 1);
      if (n !== t.data.length)
        throw new DejaError('BAD_ARGUMENT', `Expected ${n} values for input ${name} of shape ${t.dims.join('x')} but received ${t.data.length}`);
      feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    }
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await s.run(feeds, [...wanted]);
    } catch (e) {
      const shapes = Object.entries(inputs).map(([k, t]) => `${k} ${t.dims.join('x')}`);
      throw new DejaError('MODEL_ERROR', `ONNX model failed on input ${shapes.join(', ')}: ${firstLine(e)}`, {
        file: this.file,
        hint: 'check the input size and layout the model expects (deja models shows the cards)',
      });
    }
    const out: Record<string, FloatTensor> = {};
    for (const name of wanted) {
      const t = result[name] as ort.Tensor;
      if (t.type !== 'float32') throw new DejaError('MODEL_ERROR', `model output ${name} is ${t.type}, expected float32`, { file: this.file });
      out[name] = { data: Float32Array.from(t.data as Float32Array), dims: [...t.dims] };
    }
    return out;
  }

  /**
   * Runs the model on its one float32 input.
   * @param input row-major values of shape `dims`
   * @param output output name; the first output when omitted
   * @returns the output's values and shape
   */
  async run(input: Float32Array, dims: number[], output?: string): Promise<FloatTensor> {
    const s = await this.open();
    const outName = output ?? s.outputNames[0];
    return (await this.runBatch({ [s.inputNames[0]]: { data: input, dims } }, [outName]))[outName];
  }

  async dispose(): Promise<void> {
    if (this.session) await (await this.session).release();
    this.session = undefined;
  }
}

const cache = new Map<string, OnnxModel>();

/** The cached model for a file, thread count and provider (one session each per thread). */
export function onnxModel(file: string, options: SessionOptions = {}): OnnxModel {
  const key = `${options.provider ?? 'cpu'}:${options.threads ?? 1}:${file}`;
  let m = cache.get(key);
  if (!m) {
    m = new OnnxModel(file, options);
    cache.set(key, m);
  }
  return m;
}
