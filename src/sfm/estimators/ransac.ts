import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Correspondences, Estimator, Model3 } from './estimator.ts';

/** Options of `ransac`. */
export interface RansacOptions {
  /** Inlier threshold on the (unsquared) residual: pixels for F, H and E with intrinsics, normalised
   *  units (pixels ÷ focal length) for E without. COLMAP's two-view default is 4 px. */
  threshold: number;
  /** Probability of having drawn at least one all-inlier sample before stopping (default 0.999;
   *  COLMAP uses 0.9999, which costs about 33 % more samples). */
  confidence?: number;
  /** Sample cap (default 10,000, as COLMAP's `max_num_trials`). */
  maxIterations?: number;
  /** Samples drawn whatever the adaptive count says (default 0). */
  minIterations?: number;
  /** Seed of the sampler (default 1): the same seed draws the same samples. */
  seed?: number;
  /** LO-RANSAC (Chum et al. 2003): locally optimise every new best model (default true). */
  localOptimisation?: boolean;
  /** LO's inner RANSAC: non-minimal samples drawn from the best model's inliers (default 10). */
  loInnerIterations?: number;
  /** LO's iterative least squares: refits with a threshold shrinking from loThresholdMultiplier × threshold
   *  to threshold (default 4 steps, multiplier 3, as Lebeda et al. 2012, §3). */
  loSteps?: number;
  loThresholdMultiplier?: number;
  /** Refit the best model on all its inliers at the end, repeated while it scores better (default true). */
  finalRefit?: boolean;
  /** Fewer inliers than this is "no model" (default the estimator's minSamples + 1). */
  minInliers?: number;
}

/** What a RANSAC run found: the model with its inliers, or why there is none (a value, not a throw). */
export type RansacReport =
  | {
      success: true;
      /** The best model (9 values, the estimator's kind). */
      model: Model3;
      /** 1 for each correspondence whose residual is within the threshold. */
      inliers: Uint8Array;
      inlierCount: number;
      /** inlierCount ÷ correspondences. */
      inlierRatio: number;
      /** Minimal samples drawn (degenerate ones included). */
      iterations: number;
      /** The MSAC cost Σ min(rᵢ², threshold²) of the model, in squared residual units: lower is better. */
      score: number;
      /** How many times local optimisation ran and how many of those improved the model. */
      localOptimisations: number;
      localImprovements: number;
      /** Samples rejected as degenerate or without a model. */
      degenerateSamples: number;
    }
  | {
      success: false;
      reason: 'too-few-correspondences' | 'no-model';
      iterations: number;
      degenerateSamples: number;
    };

/**
 * The number of samples after which an all-inlier sample has been drawn with the given confidence:
 * N = log(1 − p) / log(1 − wᵐ), clamped to [0, cap].
 *
 * @param inlierRatio - w in [0, 1].
 * @param sampleSize - m, the minimal sample size.
 * @param confidence - p in (0, 1).
 * @param cap - the most samples ever needed (maxIterations).
 * @example adaptiveIterationCount(0.5, 8, 0.999, 10000); // 1765
 *
 * References: Fischler & Bolles 1981, §IV.B; Hartley & Zisserman, "Multiple View Geometry", 2nd ed., §4.7.1, eq. (4.18).
 */
export function adaptiveIterationCount(inlierRatio: number, sampleSize: number, confidence: number, cap: number): number {
  const allInlier = Math.pow(Math.min(Math.max(inlierRatio, 0), 1), sampleSize);
  if (allInlier >= 1) return 0;
  if (allInlier <= 0) return cap;
  const n = Math.log1p(-confidence) / Math.log1p(-allInlier);
  return Number.isFinite(n) ? Math.min(cap, Math.ceil(n)) : cap;
}

interface Candidate {
  model: Model3;
  score: number;
  inlierCount: number;
}

/**
 * RANSAC with MSAC scoring and LO-RANSAC around any `Estimator`.
 *
 * Algorithm:
 * 1. Draw a minimal sample uniformly (seeded); skip it when the estimator calls it degenerate or
 *    returns no model.
 * 2. Score each model by the MSAC cost Σ min(rᵢ², θ²) (Torr & Zisserman 2000); keep the lowest.
 * 3. On a new best: local optimisation (Chum et al. 2003, Lebeda et al. 2012) — an inner RANSAC of
 *    non-minimal samples from its inliers, each followed by iterative least squares on the inliers at a
 *    threshold shrinking from loThresholdMultiplier · θ to θ; the result replaces the best when it
 *    scores lower. Non-minimal fits use the estimator's `refine` (seeded by the current model, e.g.
 *    Sampson-weighted) when it has one, else `estimate`. Then the iteration count becomes log(1 − p) / log(1 − wᵐ) for the inlier ratio w.
 * 4. Finally refit on all inliers with the non-minimal solver, repeated while it scores lower (at most
 *    10 times; LO's least squares ends the same way). With a Sampson-weighted `refine` this is
 *    iteratively reweighted least squares towards the geometric optimum.
 *
 * The main sampler and LO's use separate seeded generators, so a run with and without LO draws the
 * same minimal samples. The loop allocates only inside estimators and on a new best model.
 *
 * @param estimator - the model (fundamental8, fundamental7, essential5, homography4, …).
 * @param data - the correspondences, in the estimator's units.
 * @param options - threshold (required) and the knobs above.
 * @returns a report: model, inlier mask, counts, iterations and score; or success false with a reason.
 * @throws Error (assertion) for a non-positive threshold or confidence outside (0, 1).
 * @example
 * const report = ransac(fundamental7, matches, { threshold: 1.5, seed: 7 });
 * if (report.success) console.log(report.inlierCount, report.iterations);
 *
 * References: M. Fischler, R. Bolles, CACM 24(6), 1981; P. Torr, A. Zisserman, "MLESAC", CVIU 78(1),
 * 2000, §3 (MSAC); O. Chum, J. Matas, J. Kittler, "Locally optimized RANSAC", DAGM 2003, §3;
 * K. Lebeda, J. Matas, O. Chum, "Fixing the locally optimized RANSAC", BMVC 2012, §3.
 */
export function ransac(estimator: Estimator, data: Correspondences, options: RansacOptions): RansacReport {
  const o = resolveOptions(estimator, options);
  const n = data.count, m = estimator.minSamples;
  if (n < Math.max(m, o.minInliers)) return { success: false, reason: 'too-few-correspondences', iterations: 0, degenerateSamples: 0 };
  const rng = new Rng(o.seed), loRng = new Rng((o.seed ^ 0x5bd1e995) >>> 0);
  const sample = new Int32Array(m);
  const scratch = { residuals: new Float64Array(n), indices: new Int32Array(n), pool: new Int32Array(n) };
  const t2 = o.threshold * o.threshold;
  const scoreOf = (model: Model3): Candidate => score(estimator, data, model, t2, scratch.residuals);
  let best: Candidate | null = null;
  let needed = o.maxIterations, iterations = 0, degenerate = 0, loRuns = 0, loWins = 0;
  while (iterations < Math.max(needed, o.minIterations) && iterations < o.maxIterations) {
    iterations++;
    drawSample(rng, n, sample);
    const models = estimator.isDegenerate?.(data, sample, m) ? [] : estimator.estimate(data, sample, m);
    if (models.length === 0) degenerate++;
    for (const model of models) {
      const candidate = scoreOf(model);
      if (best && !(candidate.score < best.score)) continue;
      best = candidate;
      if (o.localOptimisation) {
        loRuns++;
        const improved = localOptimise(estimator, data, best, o, t2, loRng, scratch, scoreOf);
        if (improved.score < best.score) [best, loWins] = [improved, loWins + 1];
      }
      needed = adaptiveIterationCount(best.inlierCount / n, m, o.confidence, o.maxIterations);
    }
  }
  if (best && o.finalRefit) best = refitUntilStable(estimator, data, best, t2, scratch, scoreOf);
  if (!best || best.inlierCount < o.minInliers) return { success: false, reason: 'no-model', iterations, degenerateSamples: degenerate };
  estimator.residuals(best.model, data, scratch.residuals);
  const inliers = new Uint8Array(n);
  for (let i = 0; i < n; i++) inliers[i] = scratch.residuals[i] <= t2 ? 1 : 0;
  return {
    success: true, model: best.model, inliers, inlierCount: best.inlierCount, inlierRatio: best.inlierCount / n,
    iterations, score: best.score, localOptimisations: loRuns, localImprovements: loWins, degenerateSamples: degenerate,
  };
}

type Resolved = Required<RansacOptions>;

function resolveOptions(estimator: Estimator, options: RansacOptions): Resolved {
  const o: Resolved = {
    confidence: 0.999, maxIterations: 10000, minIterations: 0, seed: 1, localOptimisation: true, loInnerIterations: 10,
    loSteps: 4, loThresholdMultiplier: 3, finalRefit: true, minInliers: estimator.minSamples + 1, ...options,
  };
  assert(o.threshold > 0 && Number.isFinite(o.threshold), `ransac: expected a positive finite threshold but received ${o.threshold}`);
  assert(o.confidence > 0 && o.confidence < 1, `ransac: expected confidence in (0, 1) but received ${o.confidence}`);
  assert(Number.isInteger(o.maxIterations) && o.maxIterations >= 1, `ransac: expected an integer maxIterations >= 1 but received ${o.maxIterations}`);
  assert(o.loSteps >= 1 && o.loThresholdMultiplier >= 1, `ransac: expected loSteps >= 1 and loThresholdMultiplier >= 1 but received ${o.loSteps}, ${o.loThresholdMultiplier}`);
  return o;
}

/** m distinct indices in [0, n), uniformly (rejection of repeats; m ≪ n). */
function drawSample(rng: Rng, n: number, sample: Int32Array): void {
  for (let k = 0; k < sample.length; k++) {
    let j: number, repeated: boolean;
    do {
      j = rng.int(n);
      repeated = false;
      for (let l = 0; l < k; l++) if (sample[l] === j) repeated = true;
    } while (repeated);
    sample[k] = j;
  }
}

/** MSAC cost and inlier count of a model (residuals written to `residuals`). */
function score(estimator: Estimator, data: Correspondences, model: Model3, t2: number, residuals: Float64Array): Candidate {
  estimator.residuals(model, data, residuals);
  let cost = 0, inlierCount = 0;
  for (let i = 0; i < data.count; i++) {
    const r = residuals[i];
    if (r <= t2) {
      cost += r;
      inlierCount++;
    } else cost += t2;
  }
  return { model, score: cost, inlierCount };
}

const lowest = (a: Candidate, b: Candidate | null): Candidate => (b && b.score < a.score ? b : a);

interface Scratch { residuals: Float64Array; indices: Int32Array; pool: Int32Array }

/** Indices of the correspondences within threshold² `t2` of the model, into scratch.indices; their count. */
function inliersOf(estimator: Estimator, data: Correspondences, model: Model3, t2: number, scratch: Scratch): number {
  estimator.residuals(model, data, scratch.residuals);
  let count = 0;
  for (let i = 0; i < data.count; i++) if (scratch.residuals[i] <= t2) scratch.indices[count++] = i;
  return count;
}

/** The best-scoring non-minimal fit on the inliers (at threshold² t2) of `model`, or null. */
function refit(estimator: Estimator, data: Correspondences, model: Model3, t2: number, scratch: Scratch,
  scoreOf: (m: Model3) => Candidate): Candidate | null {
  const count = inliersOf(estimator, data, model, t2, scratch);
  if (count <= estimator.minSamples) return null;
  let best: Candidate | null = null;
  const fits = estimator.refine ? estimator.refine(model, data, scratch.indices, count) : estimator.estimate(data, scratch.indices, count);
  for (const fit of fits) {
    const c = scoreOf(fit);
    if (!best || c.score < best.score) best = c;
  }
  return best;
}

/**
 * LO-RANSAC's local optimisation of a new best model: iterative least squares from it; an inner
 * RANSAC of non-minimal samples of its inliers (size min(|I| / 2, 7m)), iterative least squares from
 * each sample's best fit; then refits at θ until the cost stops falling.
 */
function localOptimise(estimator: Estimator, data: Correspondences, start: Candidate, o: Resolved, t2: number, rng: Rng,
  scratch: Scratch, scoreOf: (m: Model3) => Candidate): Candidate {
  let best = iterativeLeastSquares(estimator, data, start, o, t2, scratch, scoreOf);
  const m = estimator.minSamples;
  const count = inliersOf(estimator, data, best.model, t2, scratch);
  const size = Math.min(Math.floor(count / 2), 7 * m);
  if (size <= m) return refitUntilStable(estimator, data, best, t2, scratch, scoreOf);
  scratch.pool.set(scratch.indices.subarray(0, count));
  for (let r = 0; r < o.loInnerIterations; r++) {
    for (let k = 0; k < size; k++) {
      const j = k + rng.int(count - k);
      [scratch.pool[k], scratch.pool[j]] = [scratch.pool[j], scratch.pool[k]];
    }
    const fits = estimator.refine ? estimator.refine(start.model, data, scratch.pool, size) : estimator.estimate(data, scratch.pool, size);
    let sampleBest: Candidate | null = null;
    for (const fit of fits) sampleBest = lowest(scoreOf(fit), sampleBest);
    if (sampleBest) best = lowest(best, iterativeLeastSquares(estimator, data, sampleBest, o, t2, scratch, scoreOf));
  }
  return refitUntilStable(estimator, data, best, t2, scratch, scoreOf);
}

/** Refits on the inliers at thresholds shrinking from multiplier · θ to θ, keeping the lowest cost seen. */
function iterativeLeastSquares(estimator: Estimator, data: Correspondences, start: Candidate, o: Resolved, t2: number,
  scratch: Scratch, scoreOf: (m: Model3) => Candidate): Candidate {
  let best = start, current = start;
  for (let s = 0; s < o.loSteps; s++) {
    const k = o.loSteps === 1 ? 1 : o.loThresholdMultiplier - ((o.loThresholdMultiplier - 1) * s) / (o.loSteps - 1);
    const fit = refit(estimator, data, current.model, t2 * k * k, scratch, scoreOf);
    if (!fit) break;
    current = fit;
    best = lowest(best, fit);
  }
  return best;
}

/** Refits on the inliers at θ while the cost falls by more than 1e-6 of itself, at most 10 times. */
function refitUntilStable(estimator: Estimator, data: Correspondences, start: Candidate, t2: number,
  scratch: Scratch, scoreOf: (m: Model3) => Candidate): Candidate {
  let best = start;
  for (let r = 0; r < 10; r++) {
    const fit = refit(estimator, data, best.model, t2, scratch, scoreOf);
    if (!fit || !(fit.score < best.score * (1 - 1e-6))) return fit ? lowest(best, fit) : best;
    best = fit;
  }
  return best;
}
