/**
 * Measuring a perturbation δ = x' − x of one image (planar, `channels` planes of `size`×`size`, values in [0, 1]).
 */

/** The sizes of a perturbation: L∞ and L2 over all values, and the pixels (positions) that changed at all. */
export interface PerturbationNorms {
  /** max |δ| over every value, in pixel units of [0, 1]. */
  linf: number;
  /** √Σ δ² over every value (channels · size² of them). */
  l2: number;
  /** Pixel positions with any channel changed (L0 over pixels). */
  pixels: number;
}

/**
 * L∞, L2 and L0 (changed pixels) of x' − x for one image.
 * @param clean, adversarial `channels * size * size` values each, planar
 * @example perturbationNorms(x, x, 3, 32) // { linf: 0, l2: 0, pixels: 0 }
 */
export function perturbationNorms(clean: ArrayLike<number>, adversarial: ArrayLike<number>, channels: number, size: number): PerturbationNorms {
  const n = size * size;
  let linf = 0;
  let sq = 0;
  let pixels = 0;
  for (let p = 0; p < n; p++) {
    let changed = false;
    for (let ch = 0; ch < channels; ch++) {
      const d = adversarial[ch * n + p] - clean[ch * n + p];
      linf = Math.max(linf, Math.abs(d));
      sq += d * d;
      if (Math.abs(d) > 1e-7) changed = true;
    }
    if (changed) pixels++;
  }
  return { linf, l2: Math.sqrt(sq), pixels };
}

/**
 * The perturbation made visible: 0.5 + δ / (2 max |δ|), so grey is no change and the largest change
 * reaches black or white (a zero perturbation is flat grey).
 * @returns values in [0, 1], same layout, and the magnification 1 / (2 max |δ|) (0 for no change)
 */
export function magnifiedPerturbation(clean: ArrayLike<number>, adversarial: ArrayLike<number>): { image: Float32Array; magnification: number } {
  let max = 0;
  for (let i = 0; i < clean.length; i++) max = Math.max(max, Math.abs(adversarial[i] - clean[i]));
  const k = max > 0 ? 0.5 / max : 0;
  const image = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) image[i] = 0.5 + k * (adversarial[i] - clean[i]);
  return { image, magnification: 2 * k };
}
