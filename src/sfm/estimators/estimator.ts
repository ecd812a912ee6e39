/**
 * The estimator axis of geometric verification: one small interface that RANSAC drives, one file per
 * model (fundamental8, fundamental7, essential5, homography4) and one registry line each
 * (`registry.ts`). Every model here is a 3 × 3 matrix, 9 float64 values, row-major.
 */

/** Point correspondences between two images: point i of image 1 matches point i of image 2. */
export interface Correspondences {
  /** Number of correspondences n. */
  readonly count: number;
  /** Image-1 points, `2 * n` values interleaved (x₀, y₀, x₁, y₁, …): pixels, or normalised image
   *  coordinates K⁻¹x for an essential-matrix estimator without intrinsics. */
  readonly x1: Float64Array;
  /** Image-2 points, same layout and units as x1. */
  readonly x2: Float64Array;
}

/** A 3 × 3 model (F, E or H), 9 values row-major, mapping image 1 to image 2 (x₂ᵀ F x₁ = 0, x₂ ~ H x₁). */
export type Model3 = Float64Array;

/**
 * A model estimator as RANSAC sees it (COLMAP's estimator concept, scikit-image's `model_class`).
 *
 * References: M. Fischler, R. Bolles, "Random sample consensus", CACM 24(6), 1981; COLMAP's
 * `src/colmap/estimators/` (Estimate / Residuals per estimator).
 */
export interface Estimator {
  /** The registry name, e.g. `fundamental8`. */
  readonly name: string;
  /** Size of a minimal sample (8, 7, 5, 4). */
  readonly minSamples: number;
  /**
   * Models fitting the correspondences `sample[0 … size − 1]`. With size = minSamples this is the
   * minimal solver, which may return several models (7-point: up to 3, 5-point: up to 10) or none
   * (a degenerate sample); with size > minSamples it is the non-minimal least-squares fit that
   * LO-RANSAC and the final refit use (possibly several candidates, all to be scored).
   *
   * @param data - all correspondences.
   * @param sample - indices into data, at least `size` of them (only the first `size` are read).
   * @param size - minSamples ≤ size ≤ data.count.
   */
  estimate(data: Correspondences, sample: ArrayLike<number>, size: number): Model3[];
  /**
   * The squared residual of every correspondence under `model`, written to out[0 … n − 1]: squared
   * Sampson distance for F and E, squared transfer distance for H, in squared data units (pixels²,
   * or normalised units² for E without intrinsics).
   */
  residuals(model: Model3, data: Correspondences, out: Float64Array): void;
  /**
   * Optional non-minimal refinement seeded by a model: a least-squares fit to the sampled
   * correspondences weighted by `model` (e.g. Sampson-weighted, so that the algebraic fit
   * approaches the geometric one). LO-RANSAC and the final refit call it instead of `estimate`
   * when present. Same parameters as `estimate` (size > minSamples), plus the seed model.
   */
  refine?(model: Model3, data: Correspondences, sample: ArrayLike<number>, size: number): Model3[];
  /** True when the sample cannot determine a model (e.g. three collinear points for H): skipped
   *  before `estimate` is called. Optional: estimators without it detect degeneracy in `estimate`. */
  isDegenerate?(data: Correspondences, sample: ArrayLike<number>, size: number): boolean;
}
