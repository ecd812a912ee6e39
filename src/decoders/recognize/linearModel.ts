import { assert } from '../../core/errors.ts';
import { fastDotBlock } from '../../math/fastDotBlock.ts';
import type { LinearLoss } from './linearLoss.ts';
import { foldStandardization, type Standardization } from './standardization.ts';

/** How a linear model was made: what it reads, and every choice of its training (saved with it). */
export interface LinearProvenance {
  /** The encoder spec of its features (`tiny(norm=0)` for raw pixels, `gist(size=32)`, …) and that encoder's version. */
  descriptor: { spec: string; version: number };
  lambda: number;
  learningRate: number;
  /** Whether λ and η₀ were chosen on the validation rows (true) or given. */
  chosenOnValidation: { lambda: boolean; learningRate: boolean };
  momentum: number;
  lrDecay: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Labelled photos the final model was trained on, and where they came from. */
  trainPhotos: number;
  source: string[];
  /** The validation rows the hyperparameters were chosen on (carved from the training photos), or null. */
  validation: { photos: number; accuracy: number } | null;
  /** ISO date of training. */
  trainedAt: string;
}

/**
 * A linear classifier s = W x̂ + b on standardised features x̂ = (x − μ) / σ, trained with the softmax or
 * the multiclass SVM loss (linearLoss.ts).
 */
export interface LinearModel {
  loss: LinearLoss;
  /** Class names, in score order. */
  classes: string[];
  /** Features per photo (D). */
  dim: number;
  /** W, `classes.length * dim`, row-major (class, feature). */
  weights: Float64Array;
  bias: Float64Array;
  standardization: Standardization;
  provenance: LinearProvenance;
}

/** Rows scored per kernel call. */
const CHUNK = 256;

/**
 * Class scores of feature rows: s = W' x + b' with the standardisation folded into the weights
 * (`foldStandardization`), on the WebAssembly SIMD dot kernel.
 * @param x `n * model.dim` raw features, row-major (as the model's encoder produced them)
 * @param rows which rows of `x` to score (default all `n`), in output order
 * @returns `rows * classes` scores, row-major (row, class)
 * @example const s = linearScores(model, descriptors, 10); // s[3 * C + c]: score of class c for photo 3
 */
export function linearScores(model: Pick<LinearModel, 'weights' | 'bias' | 'standardization' | 'dim'>, x: Float32Array, n: number, rows?: ArrayLike<number>): Float64Array {
  const D = model.dim;
  const C = model.bias.length;
  assert(x.length >= n * D, 'linearScores: x holds n rows of dim');
  const folded = foldStandardization(model.weights, model.bias, model.standardization);
  const w32 = Float32Array.from(folded.weights);
  const count = rows ? rows.length : n;
  const out = new Float64Array(count * C);
  const block = new Float32Array(Math.min(CHUNK, count) * D);
  const tile = new Float64Array(C * CHUNK);
  for (let i0 = 0; i0 < count; i0 += CHUNK) {
    const nb = Math.min(CHUNK, count - i0);
    let src = x;
    let first = i0;
    if (rows) {
      for (let i = 0; i < nb; i++) block.set(x.subarray(rows[i0 + i] * D, (rows[i0 + i] + 1) * D), i * D);
      src = block;
      first = 0;
    }
    fastDotBlock(w32, 0, C, src, first, nb, D, tile);
    for (let i = 0; i < nb; i++) for (let c = 0; c < C; c++) out[(i0 + i) * C + c] = tile[c * nb + i] + folded.bias[c];
  }
  return out;
}

/**
 * The class of largest score per row (ties: the lower index).
 * @param scores `n * numClasses`, row-major
 */
export function argmaxScores(scores: Float64Array, n: number, numClasses: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (scores[i * numClasses + c] > scores[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Fraction of rows whose arg-max class is their label. */
export function scoreAccuracy(scores: Float64Array, labels: ArrayLike<number>, n: number, numClasses: number): number {
  const predicted = argmaxScores(scores, n, numClasses);
  let right = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) right++;
  return n ? right / n : NaN;
}
