import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { fastDotBlock } from '../../math/fastDotBlock.ts';
import { scoreLoss, type LinearLoss } from './linearLoss.ts';
import type { Standardization } from './standardization.ts';

/** A labelled feature matrix: `n` rows of `dim` float32 features, row-major, and a class index per row. */
export interface LabelledMatrix {
  readonly data: Float32Array;
  readonly n: number;
  readonly dim: number;
  /** Class index per row, in [0, numClasses). */
  readonly labels: Int32Array;
  readonly numClasses: number;
}

/** The knobs of minibatch SGD with momentum. */
export interface SgdOptions {
  loss: LinearLoss;
  /** λ ≥ 0 of the penalty λ‖W‖² (the bias is not penalised). */
  lambda: number;
  /** η₀ > 0, the step size of the first epoch. */
  learningRate: number;
  /** μ in [0, 1): v ← μ v − η g, W ← W + v (Polyak's heavy ball; CS231n uses 0.9). */
  momentum: number;
  /** Passes over the training rows. */
  epochs: number;
  /** Rows per minibatch (CS231n: 200); the last minibatch of an epoch may be smaller. */
  batchSize: number;
  /** Step-size schedule: η_e = η₀ · decay^e at epoch e = 0, 1, … (CS231n's `learning_rate_decay`, 0.95). */
  lrDecay: number;
  /** Seed of the initial weights (0.001 · N(0, 1), as CS231n) and of the shuffle of every epoch. */
  seed: number;
}

/** What training produced: W and b on standardised features, and the loss of every epoch. */
export interface SgdResult {
  /** W, `numClasses * dim`, row-major (class, feature), acting on standardised features. */
  weights: Float64Array;
  bias: Float64Array;
  /** Per epoch: the mean minibatch objective (data loss + λ‖W‖²) and the step size used. */
  history: { epoch: number; loss: number; learningRate: number }[];
  /** True when the objective became non-finite or exploded (the step size is too large); training stopped there. */
  diverged: boolean;
  seconds: number;
}

/** Scale of the seeded normal initial weights (CS231n's `0.001 * randn`). */
const INIT_SCALE = 1e-3;
/** An epoch objective above this is an explosion, not learning (a chance-level softmax starts at ln C ≈ 2.3). */
const EXPLODED = 1e6;

/**
 * Minibatch stochastic gradient descent with momentum on the objective of `linearObjective`,
 * J = (1/B) Σ_i L_i + λ‖W‖², over the given rows of `set`, each standardised with `standardization`.
 *
 * 1. W ← 0.001 · N(0, 1) (seeded), b ← 0, velocities 0.
 * 2. Every epoch e: shuffle the rows (seeded Fisher–Yates), step size η_e = η₀ · decay^e.
 * 3. Every minibatch: copy its rows (standardised once, before the first epoch) into one block; scores S = W X̂ᵀ + b on the
 *    WebAssembly SIMD kernel (`fastDotBlock`); loss and ∂L/∂S by `scoreLoss`; ∂J/∂W = (1/B) (∂L/∂S)ᵀ X̂ + 2λW
 *    on the same kernel; v ← μ v − η_e ∂J/∂W, W ← W + v (and the same for b, without the penalty).
 *
 * All buffers, the standardised copy of the training rows included, are allocated once per call (none
 * per minibatch or per sample). The products run in
 * float32 with float64 accumulation per tile; `linearObjective` is the float64 reference they are tested
 * against.
 * @param set the feature matrix and its labels
 * @param rows the rows to train on (e.g. all but the validation rows)
 * @param onEpoch called after every epoch (progress)
 * @param initial start from these W and b (copied) instead of the seeded random ones
 * @example const r = trainLinearSgd(set, trainRows, featureStandardization(set.data, set.dim, trainRows), { loss: 'softmax', lambda: 1e-3, learningRate: 1e-3, momentum: 0.9, epochs: 10, batchSize: 200, lrDecay: 0.9, seed: 1 });
 *
 * References: Robbins & Monro, "A stochastic approximation method", 1951; Polyak, "Some methods of speeding up
 * the convergence of iteration methods", 1964 (momentum); CS231n notes, "Optimization: Stochastic Gradient
 * Descent" and "Neural Networks Part 3" §"Parameter updates" (momentum, learning-rate annealing).
 */
export function trainLinearSgd(
  set: LabelledMatrix,
  rows: Int32Array,
  standardization: Standardization,
  options: SgdOptions,
  onEpoch?: (epoch: number, loss: number) => void,
  initial?: { weights: Float64Array; bias: Float64Array },
): SgdResult {
  const t0 = performance.now();
  const { dim: D, numClasses: C } = set;
  const m = rows.length;
  assert(m > 0 && C >= 2 && standardization.mean.length === D, 'trainLinearSgd: rows, classes and standardisation');
  assert(options.learningRate > 0 && options.lambda >= 0 && options.batchSize >= 1 && options.momentum >= 0 && options.momentum < 1, 'trainLinearSgd options');
  const B = Math.min(options.batchSize, m);
  const rng = new Rng(options.seed);
  const w = new Float64Array(C * D);
  const b = new Float64Array(C);
  if (initial) {
    assert(initial.weights.length === C * D && initial.bias.length === C, 'trainLinearSgd: initial W is numClasses × dim');
    w.set(initial.weights);
    b.set(initial.bias);
  } else for (let k = 0; k < w.length; k++) w[k] = INIT_SCALE * rng.normal();
  const vw = new Float64Array(C * D);
  const vb = new Float64Array(C);
  const step = new MinibatchStep(set, rows, standardization, B);
  const order = Int32Array.from({ length: m }, (_, i) => i);
  const history: SgdResult['history'] = [];
  let diverged = false;
  for (let epoch = 0; epoch < options.epochs && !diverged; epoch++) {
    shuffleInPlace(order, rng);
    const lr = options.learningRate * Math.pow(options.lrDecay, epoch);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < m; start += B) {
      const nb = Math.min(B, m - start);
      const objective = step.run(order, start, nb, w, b, vw, vb, options, lr);
      lossSum += objective;
      batches++;
      if (!Number.isFinite(objective) || objective > EXPLODED) {
        diverged = true;
        break;
      }
    }
    const loss = lossSum / batches;
    history.push({ epoch: epoch + 1, loss, learningRate: lr });
    onEpoch?.(epoch + 1, loss);
  }
  return { weights: w, bias: b, history, diverged, seconds: (performance.now() - t0) / 1000 };
}

/** Seeded in-place Fisher–Yates shuffle of a typed array (no allocation). */
export function shuffleInPlace(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** The buffers of one minibatch step, allocated once for a training run. */
class MinibatchStep {
  private readonly xs: Float32Array; // m × D: the training rows standardised, in the order of `rows`
  private readonly labels: Int32Array; // m
  private readonly xb: Float32Array; // B × D, the minibatch, row-major
  private readonly xbT: Float32Array; // D × B, its transpose (stride = this minibatch's size)
  private readonly w32: Float32Array; // C × D, W in float32 for the kernel
  private readonly sT: Float64Array; // C × B, scores as the kernel writes them
  private readonly s: Float64Array; // B × C
  private readonly ds: Float64Array; // B × C, ∂L/∂S
  private readonly dsT: Float32Array; // C × B, ∂L/∂S / nb, transposed, float32
  private readonly g: Float64Array; // C × D, (1/nb) (∂L/∂S)ᵀ X̂
  private readonly yb: Int32Array;

  constructor(
    private readonly set: LabelledMatrix,
    rows: Int32Array,
    s: Standardization,
    B: number,
  ) {
    const { dim: D, numClasses: C } = set;
    this.xs = standardizeRows(set.data, D, rows, s);
    this.labels = Int32Array.from(rows, (r) => set.labels[r]);
    this.xb = new Float32Array(B * D);
    this.xbT = new Float32Array(D * B);
    this.w32 = new Float32Array(C * D);
    this.sT = new Float64Array(C * B);
    this.s = new Float64Array(B * C);
    this.ds = new Float64Array(B * C);
    this.dsT = new Float32Array(C * B);
    this.g = new Float64Array(C * D);
    this.yb = new Int32Array(B);
  }

  /**
   * One SGD step on the standardised rows order[start … start + nb − 1] (indices into `rows`); updates W, b
   * and their velocities; returns the minibatch objective before the step.
   */
  run(order: Int32Array, start: number, nb: number, w: Float64Array, b: Float64Array, vw: Float64Array, vb: Float64Array, o: SgdOptions, lr: number): number {
    const { dim: D, numClasses: C } = this.set;
    const { xs, labels, xb, xbT, w32, sT, s, ds, dsT, g, yb } = this;
    for (let i = 0; i < nb; i++) {
      const r = order[start + i];
      yb[i] = labels[r];
      xb.set(xs.subarray(r * D, (r + 1) * D), i * D);
    }
    for (let k = 0; k < w.length; k++) w32[k] = w[k];
    fastDotBlock(w32, 0, C, xb, 0, nb, D, sT);
    for (let i = 0; i < nb; i++) for (let c = 0; c < C; c++) s[i * C + c] = sT[c * nb + i] + b[c];
    const dataLoss = scoreLoss(o.loss, s, yb, nb, C, ds) / nb;
    for (let c = 0; c < C; c++) {
      let gb = 0;
      for (let i = 0; i < nb; i++) gb += dsT[c * nb + i] = ds[i * C + c] / nb;
      vb[c] = o.momentum * vb[c] - lr * gb;
      b[c] += vb[c];
    }
    transpose(xb, nb, D, xbT);
    fastDotBlock(dsT, 0, C, xbT, 0, D, nb, g);
    let sq = 0;
    const twoLambda = 2 * o.lambda;
    for (let k = 0; k < w.length; k++) {
      const wk = w[k];
      sq += wk * wk;
      vw[k] = o.momentum * vw[k] - lr * (g[k] + twoLambda * wk);
      w[k] = wk + vw[k];
    }
    return dataLoss + o.lambda * sq;
  }
}

/**
 * The given rows of a row-major matrix, standardised ((x − μ) / σ), as one compact `rows.length × dim` block.
 * @param x `n * dim` values
 */
export function standardizeRows(x: Float32Array, dim: number, rows: Int32Array, s: Standardization): Float32Array {
  const out = new Float32Array(rows.length * dim);
  const mean = Float32Array.from(s.mean);
  const invStd = Float32Array.from(s.std, (v) => 1 / v);
  for (let i = 0; i < rows.length; i++) {
    const src = rows[i] * dim;
    const dst = i * dim;
    for (let k = 0; k < dim; k++) out[dst + k] = (x[src + k] - mean[k]) * invStd[k];
  }
  return out;
}

/** out (cols × rows) = aᵀ for a row-major `rows × cols` block, in 32 × 32 tiles. */
function transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let k0 = 0; k0 < cols; k0 += T) {
      const k1 = Math.min(cols, k0 + T);
      for (let i = i0; i < i1; i++) for (let k = k0; k < k1; k++) out[k * rows + i] = a[i * cols + k];
    }
  }
}
