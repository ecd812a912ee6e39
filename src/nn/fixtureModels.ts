import { onnxModelBytes } from './onnxWriter.ts';

/**
 * Small ONNX graphs for tests, written without Python (see onnxWriter.ts).
 */

/** Two inputs `a`, `b` [N, 4] and two outputs: `sum` = a + b and `prod` = a ⊙ b, both [N, 4]. */
export function sumProductModel(): Uint8Array {
  return onnxModelBytes({
    inputs: [
      { name: 'a', shape: ['N', 4] },
      { name: 'b', shape: ['N', 4] },
    ],
    outputs: [
      { name: 'sum', shape: ['N', 4] },
      { name: 'prod', shape: ['N', 4] },
    ],
    nodes: [
      { op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] },
      { op: 'Mul', inputs: ['a', 'b'], outputs: ['prod'] },
    ],
  });
}

/**
 * A seeded random-weight CNN embedding that takes any batch size: input `pixels` [N, 3, 16, 16], a 3×3
 * convolution to 8 channels, ReLU, global average pooling, and a linear map to `features` [N, `dim`].
 * With `symbolicDim` the output's second dimension is written as `D` (unknown until run).
 */
export function dynamicBatchCnnModel(dim = 12, options: { symbolicDim?: boolean } = {}): Uint8Array {
  let state = 12345;
  const random = (n: number) =>
    Float32Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 30 - 1;
    });
  return onnxModelBytes({
    inputs: [{ name: 'pixels', shape: ['N', 3, 16, 16] }],
    outputs: [{ name: 'features', shape: ['N', options.symbolicDim ? 'D' : dim] }],
    initializers: [
      { name: 'w1', dims: [8, 3, 3, 3], values: random(8 * 27) },
      { name: 'b1', dims: [8], values: random(8) },
      { name: 'w2', dims: [8, dim], values: random(8 * dim) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['pixels', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'GlobalAveragePool', inputs: ['r1'], outputs: ['g'] },
      { op: 'Flatten', inputs: ['g'], outputs: ['f'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['f', 'w2'], outputs: ['features'] },
    ],
  });
}

/**
 * A fixed linear classifier over a photo's mean colour, for tests that need a classifier that is right on
 * real photos: input `image` [N, 3, size, size] (normalised as its card says), `features` = the mean of
 * each normalised channel [N, 3] (global average pooling), `logits` = features · `weights` + `bias` [N, C].
 * With `weights` from class mean colours (nearest centroid: w_c = μ_c, b_c = −|μ_c|²/2) it separates
 * green forests from blue-white glaciers.
 * @param weights one row of 3 values (R, G, B) per class, in class order
 * @param bias one value per class
 */
export function meanColourClassifierModel(size: number, weights: readonly (readonly number[])[], bias: readonly number[]): Uint8Array {
  const C = weights.length;
  const w = new Float32Array(3 * C);
  weights.forEach((row, c) => row.forEach((v, ch) => (w[ch * C + c] = v)));
  return onnxModelBytes({
    inputs: [{ name: 'image', shape: ['N', 3, size, size] }],
    outputs: [
      { name: 'logits', shape: ['N', C] },
      { name: 'features', shape: ['N', 3] },
    ],
    initializers: [
      { name: 'w', dims: [3, C], values: w },
      { name: 'b', dims: [C], values: Float32Array.from(bias) },
    ],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['features'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['features', 'w'], outputs: ['scores'] },
      { op: 'Add', inputs: ['scores', 'b'], outputs: ['logits'] },
    ],
  });
}

/**
 * The input-gradient graph of `meanColourClassifierModel` (the contract of nn/inputGradientModel.ts),
 * written by hand as ONNX ops: inputs `image` [N, 3, size, size] (normalised) and `label` [N, C] (a target
 * distribution), outputs `loss` = −Σ label · log softmax(z) [N], `gradient` = d loss / d image
 * [N, 3, size, size] and the classifier's `logits` [N, C]. With z = mean(x̂) W + b the gradient is
 * ((softmax(z) − label) Wᵀ) / size², the same at every pixel of a channel.
 * @param weights, bias as for `meanColourClassifierModel`
 */
export function meanColourInputGradientModel(size: number, weights: readonly (readonly number[])[], bias: readonly number[]): Uint8Array {
  const C = weights.length;
  const w = new Float32Array(3 * C);
  const wt = new Float32Array(3 * C);
  weights.forEach((row, c) => row.forEach((v, ch) => ((w[ch * C + c] = v), (wt[c * 3 + ch] = v))));
  return onnxModelBytes({
    opset: 11, // ReduceSum and Unsqueeze take their axes as attributes
    inputs: [
      { name: 'image', shape: ['N', 3, size, size] },
      { name: 'label', shape: ['N', C] },
    ],
    outputs: [
      { name: 'loss', shape: ['N'] },
      { name: 'gradient', shape: ['N', 3, size, size] },
      { name: 'logits', shape: ['N', C] },
    ],
    initializers: [
      { name: 'w', dims: [3, C], values: w },
      { name: 'wt', dims: [C, 3], values: wt },
      { name: 'b', dims: [C], values: Float32Array.from(bias) },
      { name: 'spread', dims: [1, 1, size, size], values: new Float32Array(size * size).fill(1 / (size * size)) },
    ],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['image'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['f'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['f', 'w'], outputs: ['s'] },
      { op: 'Add', inputs: ['s', 'b'], outputs: ['logits'] },
      { op: 'LogSoftmax', inputs: ['logits'], outputs: ['logp'], attributes: { axis: 1 } },
      { op: 'Mul', inputs: ['label', 'logp'], outputs: ['tl'] },
      { op: 'ReduceSum', inputs: ['tl'], outputs: ['nl'], attributes: { axes: [1], keepdims: 0 } },
      { op: 'Neg', inputs: ['nl'], outputs: ['loss'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['p'], attributes: { axis: 1 } },
      { op: 'Sub', inputs: ['p', 'label'], outputs: ['d'] },
      { op: 'MatMul', inputs: ['d', 'wt'], outputs: ['gf'] },
      { op: 'Unsqueeze', inputs: ['gf'], outputs: ['g4'], attributes: { axes: [2, 3] } },
      { op: 'Mul', inputs: ['g4', 'spread'], outputs: ['gradient'] },
    ],
  });
}
