import { assert } from '../../core/errors.ts';
import { linearScores, scoreAccuracy } from './linearModel.ts';
import { featureStandardization, type Standardization } from './standardization.ts';
import { stratifiedSplit } from './stratifiedSplit.ts';
import { trainLinearSgd, type LabelledMatrix, type SgdOptions, type SgdResult } from './sgdTrainer.ts';

/** The search steps η₀ past the edge of its grid by this factor, at most `MAX_EDGE_STEPS` times. */
const EDGE_STEP = 3;
const MAX_EDGE_STEPS = 3;

/** Training a linear classifier, with λ and η₀ chosen on validation rows when they are not given. */
export interface FitLinearOptions extends Omit<SgdOptions, 'lambda' | 'learningRate'> {
  /** λ; omitted: the value of `lambdas` with the best validation accuracy. */
  lambda?: number;
  /** η₀; omitted: the value of `learningRates` with the best validation accuracy. */
  learningRate?: number;
  /** Candidate λ values of the search. */
  lambdas: readonly number[];
  /** Candidate η₀ values of the search. */
  learningRates: readonly number[];
  /** Epochs of each search run (the final model trains `epochs`). */
  searchEpochs: number;
  /** Share of every class carved out of the training rows for validation, in (0, 1). */
  validationFraction: number;
}

/** One cell of the search grid: a (λ, η₀) pair, its validation accuracy and its last epoch's objective. */
export interface SearchCell {
  lambda: number;
  learningRate: number;
  accuracy: number;
  loss: number;
  diverged: boolean;
}

export interface FitLinearResult {
  /** W on standardised features (`numClasses * dim`), b, and the standardisation (μ, σ of all training rows). */
  weights: Float64Array;
  bias: Float64Array;
  standardization: Standardization;
  lambda: number;
  learningRate: number;
  chosenOnValidation: { lambda: boolean; learningRate: boolean };
  /** The search: validation rows, the chosen cell's accuracy and every cell; null when both values were given. */
  validation: { rows: number; trainRows: number; accuracy: number; grid: SearchCell[] } | null;
  /** Accuracy of the final model on the rows it was trained on. */
  trainAccuracy: number;
  history: SgdResult['history'];
  diverged: boolean;
  seconds: { search: number; train: number };
}

/**
 * Fits a linear classifier by minibatch SGD (sgdTrainer.ts), choosing what is not given on held-out rows:
 *
 * 1. If λ or η₀ is missing: carve a seeded stratified `validationFraction` of each class out of the
 *    training rows (`stratifiedSplit`; the test photos are never seen), standardise with the rest, train
 *    `searchEpochs` for every (λ, η₀) of the grid and keep the pair of best validation accuracy (ties: the
 *    larger λ, then the smaller η₀). Runs that diverge score 0. When the best η₀ is the grid's largest (or
 *    smallest), η₀ is stepped past the edge by ×3 (or ÷3) at the best λ, at most 3 times, while the
 *    validation accuracy improves, so a grid written for one descriptor still serves another.
 * 2. Train the final model for `epochs` on all training rows (validation rows included), standardised with
 *    the mean and deviation of all of them.
 *
 * @param set the training features and labels
 * @param note one line per search cell and per final epoch (progress)
 * @example const fit = fitLinearClassifier(set, { loss: 'svm', lambdas: [1e-3, 1e-2], learningRates: [1e-3], searchEpochs: 3, validationFraction: 0.1, momentum: 0.9, epochs: 10, batchSize: 200, lrDecay: 0.9, seed: 1 });
 *
 * References: CS231n notes, "Linear classification" and "Neural Networks Part 3" §"Hyperparameter
 * optimization" (choose on a validation split carved from the training data, then train on all of it).
 */
export function fitLinearClassifier(set: LabelledMatrix, options: FitLinearOptions, note?: (line: string) => void): FitLinearResult {
  assert(set.n >= 2, 'fitLinearClassifier needs at least two rows');
  const t0 = performance.now();
  const lambdas = options.lambda !== undefined ? [options.lambda] : [...options.lambdas];
  const rates = options.learningRate !== undefined ? [options.learningRate] : [...options.learningRates];
  let validation: FitLinearResult['validation'] = null;
  let lambda = lambdas[0];
  let learningRate = rates[0];
  if (options.lambda === undefined || options.learningRate === undefined) {
    const { kept, heldOut } = stratifiedSplit(set.labels, options.validationFraction, options.seed);
    assert(kept.length > 0 && heldOut.length > 0, 'validation split needs two or more rows of a class');
    const s = featureStandardization(set.data, set.dim, kept);
    const valLabels = Int32Array.from(heldOut, (r) => set.labels[r]);
    const grid: SearchCell[] = [];
    const tryCell = (l: number, lr: number): SearchCell => {
      const run = trainLinearSgd(set, kept, s, { ...options, lambda: l, learningRate: lr, epochs: options.searchEpochs });
      const accuracy = run.diverged ? 0 : scoreAccuracy(linearScores({ ...run, standardization: s, dim: set.dim }, set.data, set.n, heldOut), valLabels, heldOut.length, set.numClasses);
      const cell = { lambda: l, learningRate: lr, accuracy, loss: run.history.at(-1)?.loss ?? NaN, diverged: run.diverged };
      grid.push(cell);
      note?.(`λ=${l} η₀=${lr}: validation accuracy ${(100 * accuracy).toFixed(1)}%${run.diverged ? ' (diverged)' : ''} (${run.seconds.toFixed(1)} s)`);
      return cell;
    };
    for (const l of lambdas) for (const lr of rates) tryCell(l, lr);
    let best = bestCell(grid);
    // The best step size on an edge of the grid: step past it (×3 or ÷3) while validation accuracy improves.
    if (options.learningRate === undefined && rates.length > 1)
      for (const factor of [EDGE_STEP, 1 / EDGE_STEP]) {
        let edge = factor > 1 ? Math.max(...rates) : Math.min(...rates);
        for (let i = 0; i < MAX_EDGE_STEPS && best.learningRate === edge; i++) {
          edge = Number((edge * factor).toPrecision(6));
          const next = tryCell(best.lambda, edge);
          if (next.accuracy <= best.accuracy) break;
          best = next;
        }
      }
    lambda = best.lambda;
    learningRate = best.learningRate;
    validation = { rows: heldOut.length, trainRows: kept.length, accuracy: best.accuracy, grid };
  }
  const t1 = performance.now();
  const all = Int32Array.from({ length: set.n }, (_, i) => i);
  const standardization = featureStandardization(set.data, set.dim, all);
  const run = trainLinearSgd(set, all, standardization, { ...options, lambda, learningRate }, (epoch, loss) =>
    note?.(`epoch ${epoch}/${options.epochs}: objective ${loss.toFixed(4)}`),
  );
  const trainAccuracy = scoreAccuracy(linearScores({ ...run, standardization, dim: set.dim }, set.data, set.n), set.labels, set.n, set.numClasses);
  return {
    weights: run.weights,
    bias: run.bias,
    standardization,
    lambda,
    learningRate,
    chosenOnValidation: { lambda: options.lambda === undefined, learningRate: options.learningRate === undefined },
    validation,
    trainAccuracy,
    history: run.history,
    diverged: run.diverged,
    seconds: { search: (t1 - t0) / 1000, train: (performance.now() - t1) / 1000 },
  };
}

/** The cell of best validation accuracy (ties: the larger λ, then the smaller η₀). */
function bestCell(grid: readonly SearchCell[]): SearchCell {
  return grid.reduce((a, c) => (c.accuracy > a.accuracy || (c.accuracy === a.accuracy && (c.lambda > a.lambda || (c.lambda === a.lambda && c.learningRate < a.learningRate))) ? c : a));
}
