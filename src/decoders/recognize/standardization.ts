import { assert } from '../../core/errors.ts';

/**
 * Per-feature standardisation, x̂_k = (x_k − μ_k) / σ_k, with μ and σ measured on the training rows only
 * and stored with the model, so test photos are scaled exactly as the training photos were.
 */
export interface Standardization {
  /** μ, one per feature. */
  readonly mean: Float64Array;
  /** σ, one per feature: the population standard deviation, or 1 for a feature that is constant on the training rows. */
  readonly std: Float64Array;
}

/** A feature whose standard deviation is below this is constant: it is centred but not scaled. */
export const MIN_STD = 1e-6;

/**
 * Mean and standard deviation of each feature over some rows of a row-major matrix (two passes in float64).
 * @param x `rows * dim` values, row-major (sample, feature)
 * @param dim features per row
 * @param rows the row indices to measure on (the training rows; never the validation or test rows)
 * @example featureStandardization(Float32Array.of(0, 5, 2, 5), 2, [0, 1]) // mean [1, 5], std [1, 1]
 */
export function featureStandardization(x: Float32Array, dim: number, rows: ArrayLike<number>): Standardization {
  const n = rows.length;
  assert(n > 0 && dim > 0, 'featureStandardization needs rows');
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = rows[i] * dim;
    for (let k = 0; k < dim; k++) mean[k] += x[o + k];
  }
  for (let k = 0; k < dim; k++) mean[k] /= n;
  for (let i = 0; i < n; i++) {
    const o = rows[i] * dim;
    for (let k = 0; k < dim; k++) {
      const d = x[o + k] - mean[k];
      std[k] += d * d;
    }
  }
  for (let k = 0; k < dim; k++) {
    const s = Math.sqrt(std[k] / n);
    std[k] = s < MIN_STD ? 1 : s;
  }
  return { mean, std };
}

/**
 * The weights that act on raw features: a model s = W x̂ + b on standardised features equals
 * s = W' x + b' with W'_{c,k} = W_{c,k} / σ_k and b'_c = b_c − Σ_k W'_{c,k} μ_k, so prediction needs no
 * standardised copy of the data, and W' is what a raw-pixel template shows.
 * @param weights W, `numClasses * dim`, row-major
 * @param bias b, `numClasses`
 * @returns W' (float64, same layout) and b'
 */
export function foldStandardization(weights: Float64Array, bias: Float64Array, s: Standardization): { weights: Float64Array; bias: Float64Array } {
  const dim = s.mean.length;
  const C = bias.length;
  assert(weights.length === C * dim, 'foldStandardization sizes');
  const w = new Float64Array(weights.length);
  const b = Float64Array.from(bias);
  for (let c = 0; c < C; c++)
    for (let k = 0; k < dim; k++) {
      const v = weights[c * dim + k] / s.std[k];
      w[c * dim + k] = v;
      b[c] -= v * s.mean[k];
    }
  return { weights: w, bias: b };
}
