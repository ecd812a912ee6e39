import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { onnxModel } from '../nn/onnxSession.ts';
import { resizeCropSquare } from '../imgproc/resample.ts';
import { toRgb, type Image } from '../core/image.ts';
import { DejaError } from '../core/errors.ts';
import { canonicalSpec, type Encoder, type EncoderFactory } from './encoder.ts';

/**
 * Embedding from a user-supplied ONNX model (a CNN trunk exported from PyTorch, say): the photo is
 * resized (shorter side) and centre-cropped to `size`×`size`, normalised per channel with `mean` and `std`
 * (ImageNet's by default), fed as NCHW float32, and the chosen output flattened and L2-normalised
 * (compared with cosine distance).
 * Options: `model` (path, required), `size` (224), `mean` / `std` (`0.485/0.456/0.406`, `0.229/0.224/0.225`),
 * `output` (first output), `dim` (the embedding size; probed from the model when omitted).
 * The spec records the model file's sha256 prefix, so descriptors from another model are refused.
 */
export const cnnFactory: EncoderFactory = {
  name: 'cnn',
  description: 'embedding from an ONNX model: cnn(model=path.onnx,size=224,mean=…,std=…,output=name)',
  options: ['model', 'size', 'mean', 'std', 'output', 'dim'],
  create(options): Encoder {
    const file = options.model;
    if (!file) throw new DejaError('BAD_ARGUMENT', 'the cnn encoder needs a model', { hint: 'use --encoder "cnn(model=path/to/model.onnx)"' });
    if (!fs.existsSync(file)) throw new DejaError('NOT_FOUND', 'ONNX model file not found', { file, hint: 'check the model= path' });
    const size = Number(options.size ?? 224);
    const mean = triple(options.mean ?? '0.485/0.456/0.406', 'mean');
    const std = triple(options.std ?? '0.229/0.224/0.225', 'std');
    if (std.some((s) => s <= 0)) throw new DejaError('BAD_ARGUMENT', `Expected positive std for cnn but received ${options.std}`);
    if (!Number.isInteger(size) || size < 8 || size > 1024)
      throw new DejaError('BAD_ARGUMENT', `Expected integer between 8 and 1024 for cnn size but received ${options.size}`);
    const dim = Number(options.dim ?? 0);
    const model = onnxModel(path.resolve(file));
    const digest = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
    const specOptions: Record<string, string> = { model: path.basename(file), sha: digest };
    if (size !== 224) specOptions.size = String(size);
    if (options.mean) specOptions.mean = mean.join('/');
    if (options.std) specOptions.std = std.join('/');
    if (options.output) specOptions.output = options.output;
    return {
      name: 'cnn',
      spec: canonicalSpec('cnn', specOptions),
      version: 1,
      dim,
      inputSize: size,
      metric: 'cosine',
      async encode(image: Image) {
        const input = toTensor(resizeCropSquare(toRgb(image), size), mean, std);
        const { data } = await model.run(input, [1, 3, size, size], options.output);
        if (dim && data.length !== dim)
          throw new DejaError('MODEL_ERROR', `model output has ${data.length} values, expected dim=${dim}`, { file });
        let ss = 0;
        for (let i = 0; i < data.length; i++) ss += data[i] * data[i];
        const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
        for (let i = 0; i < data.length; i++) data[i] *= inv;
        return data;
      },
    };
  },
};

function triple(text: string, what: string): number[] {
  const v = text.split('/').map(Number);
  if (v.length !== 3 || v.some((x) => !Number.isFinite(x)))
    throw new DejaError('BAD_ARGUMENT', `Expected three numbers like 0.5/0.5/0.5 for cnn ${what} but received ${text}`);
  return v;
}

function toTensor(image: Image, mean: number[], std: number[]): Float32Array {
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    const s = 1 / std[c];
    for (let i = 0; i < n; i++) out[c * n + i] = (image.data[c * n + i] - m) * s;
  }
  return out;
}

/** Probes the embedding size by running the model once on a gray image. */
export async function probeCnnDim(encoder: Encoder): Promise<number> {
  const size = encoder.inputSize;
  const data = new Float32Array(3 * size * size).fill(0.5);
  return (await encoder.encode({ width: size, height: size, channels: 3, data })).length;
}
