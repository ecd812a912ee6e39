import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { DejaError } from '../core/errors.ts';

/**
 * The one seam to onnxruntime-node: a lazily created, disposable inference session.
 * Sessions are cached per model file and thread, so encoders can be created cheaply and the model
 * is loaded on first use (Immich and transformers.js do the same).
 */
export class OnnxModel {
  private session?: Promise<ort.InferenceSession>;

  constructor(readonly file: string) {}

  private open(): Promise<ort.InferenceSession> {
    if (!this.session) {
      if (!fs.existsSync(this.file))
        throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file: this.file, hint: 'pass --model with the path of an .onnx file' });
      this.session = ort.InferenceSession.create(this.file, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' }).catch((e) => {
        this.session = undefined;
        throw new DejaError('MODEL_ERROR', `cannot load ONNX model: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`, {
          file: this.file,
          hint: 'check that the file is a valid ONNX model',
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

  /**
   * Runs the model on one float32 tensor.
   * @param input row-major values of shape `dims`
   * @param output output name; the first output when omitted
   * @returns the output's values and shape
   */
  async run(input: Float32Array, dims: number[], output?: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const s = await this.open();
    const outName = output ?? s.outputNames[0];
    if (!s.outputNames.includes(outName))
      throw new DejaError('BAD_ARGUMENT', `model has no output "${outName}": must be one of [${s.outputNames.join(', ')}]`, { file: this.file });
    let result: ort.InferenceSession.OnnxValueMapType;
    try {
      result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input, dims) }, [outName]);
    } catch (e) {
      throw new DejaError('MODEL_ERROR', `ONNX model failed on input ${dims.join('x')}: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`, {
        file: this.file,
        hint: 'check --input-size, and that the model takes NCHW float32 RGB',
      });
    }
    const t = result[outName] as ort.Tensor;
    return { data: Float32Array.from(t.data as Float32Array), dims: t.dims };
  }

  async dispose(): Promise<void> {
    if (this.session) await (await this.session).release();
    this.session = undefined;
  }
}

const cache = new Map<string, OnnxModel>();

/** The cached model for a file (one session per file per thread). */
export function onnxModel(file: string): OnnxModel {
  let m = cache.get(file);
  if (!m) {
    m = new OnnxModel(file);
    cache.set(file, m);
  }
  return m;
}
