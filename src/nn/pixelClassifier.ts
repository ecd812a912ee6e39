import { assert, DejaError } from '../core/errors.ts';
import type { ClassifierContract, ClassifierRunOptions } from './classifierModel.ts';
import type { InputGradientContract } from './inputGradientModel.ts';
import { onnxModel, type FloatTensor } from './onnxSession.ts';

/**
 * A classifier seen in pixel space, as an attack sees it: images are `size`×`size` crops with values in
 * [0, 1], planar (channel, row, column) like `Image.data`, `n` of them back to back; normalisation,
 * layout and batching happen here. With an input-gradient graph it also gives the loss and its gradient
 * with respect to the pixels (the graph's gradient, in normalised units, divided by the card's std).
 */
export interface PixelClassifier {
  /** Number of classes (logits per image). */
  classes: number;
  channels: number;
  size: number;
  /** Values per image: channels · size · size. */
  values: number;
  /**
   * Logits of `n` images.
   * @param pixels `n * values` values in [0, 1], planar per image
   * @returns `n * classes` logits, row-major (image, class)
   */
  logits(pixels: Float32Array, n: number): Promise<Float32Array>;
  /**
   * Cross-entropy against `target` (a distribution per image, e.g. a one-hot) and its gradient with
   * respect to the pixels; null when the model has no gradient graph.
   * @param target `n * classes` values
   * @returns `loss` [n], `gradient` [n · values] (planar per image), `logits` [n · classes]
   */
  lossGradient: ((pixels: Float32Array, n: number, target: Float32Array) => Promise<{ loss: Float32Array; gradient: Float32Array; logits: Float32Array }>) | null;
}

/**
 * The pixel-space view of a classifier and, when given, its input-gradient graph.
 * @param options `batch`: images per onnxruntime run (default 32), `threads`, `provider`
 * @example const m = pixelClassifier(c, resolveInputGradient(c)); const { gradient } = await m.lossGradient!(x, 1, oneHot);
 */
export function pixelClassifier(c: ClassifierContract, g: InputGradientContract | null, options: ClassifierRunOptions = {}): PixelClassifier {
  const { size, channels, mean, std, layout } = c.input;
  const values = channels * size * size;
  const K = c.classes.length;
  const per = c.input.dynamicBatch ? (options.batch ?? 32) : 1;
  const session = { threads: options.threads, provider: options.provider };
  const model = onnxModel(c.file, session);
  const dims = (m: number) => (layout === 'NCHW' ? [m, channels, size, size] : [m, size, size, channels]);

  /** Pixels → the normalised input tensor; `inverse` maps a gradient tensor back to pixels (÷ std). */
  const toTensor = (pixels: Float32Array, m: number): FloatTensor => {
    const data = new Float32Array(m * values);
    const plane = size * size;
    for (let i = 0; i < m; i++)
      for (let ch = 0; ch < channels; ch++) {
        const mu = mean[ch];
        const inv = 1 / std[ch];
        for (let p = 0; p < plane; p++) {
          const v = (pixels[i * values + ch * plane + p] - mu) * inv;
          data[layout === 'NCHW' ? i * values + ch * plane + p : i * values + p * channels + ch] = v;
        }
      }
    return { data, dims: dims(m) };
  };
  const fromGradient = (t: Float32Array, m: number): Float32Array => {
    const out = new Float32Array(m * values);
    const plane = size * size;
    for (let i = 0; i < m; i++)
      for (let ch = 0; ch < channels; ch++) {
        const inv = 1 / std[ch];
        for (let p = 0; p < plane; p++) out[i * values + ch * plane + p] = t[layout === 'NCHW' ? i * values + ch * plane + p : i * values + p * channels + ch] * inv;
      }
    return out;
  };

  const logits = async (pixels: Float32Array, n: number): Promise<Float32Array> => {
    assert(pixels.length === n * values, 'pixelClassifier.logits sizes');
    const out = new Float32Array(n * K);
    for (let i = 0; i < n; i += per) {
      const m = Math.min(per, n - i);
      const r = (await model.runBatch({ [c.input.name]: toTensor(pixels.subarray(i * values, (i + m) * values), m) }, [c.logits]))[c.logits];
      if (r.data.length !== m * K) throw new DejaError('MODEL_ERROR', `model ${c.name} gave ${r.data.length / m} logits per photo but its card lists ${K} classes`, { file: c.file, hint: `rebuild it with: ${c.card.recipe}` });
      out.set(r.data, i * K);
    }
    return out;
  };

  const lossGradient = g
    ? async (pixels: Float32Array, n: number, target: Float32Array) => {
        assert(pixels.length === n * values && target.length === n * K, 'pixelClassifier.lossGradient sizes');
        const gm = onnxModel(g.file, session);
        const loss = new Float32Array(n);
        const gradient = new Float32Array(n * values);
        const lg = new Float32Array(n * K);
        const wanted = [g.loss, g.gradient, ...(g.logits ? [g.logits] : [])];
        for (let i = 0; i < n; i += per) {
          const m = Math.min(per, n - i);
          const x = pixels.subarray(i * values, (i + m) * values);
          const r = await gm.runBatch({ [g.image]: toTensor(x, m), [g.label]: { data: target.slice(i * K, (i + m) * K), dims: [m, K] } }, wanted);
          loss.set(r[g.loss].data, i);
          gradient.set(fromGradient(r[g.gradient].data, m), i * values);
          lg.set(g.logits ? r[g.logits].data : await logits(x.slice(), m), i * K);
        }
        return { loss, gradient, logits: lg };
      }
    : null;

  return { classes: K, channels, size, values, logits, lossGradient };
}
