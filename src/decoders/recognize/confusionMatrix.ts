import { assert } from '../../core/errors.ts';

/** Counts of (true class, predicted class) pairs: `counts[t * numClasses + p]`. */
export interface ConfusionMatrix {
  readonly classNames: readonly string[];
  readonly counts: Int32Array;
  /** Queries whose prediction was −1 (no neighbour) are counted here, not in `counts`. */
  readonly unpredicted: number;
}

/**
 * Builds the confusion matrix of a classification.
 * @param truth true class index per query
 * @param predicted predicted class index per query (−1 = none; counts as wrong)
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classNames: readonly string[]): ConfusionMatrix {
  assert(truth.length === predicted.length, 'one prediction per query');
  const k = classNames.length;
  const counts = new Int32Array(k * k);
  let unpredicted = 0;
  for (let i = 0; i < truth.length; i++) {
    assert(truth[i] >= 0 && truth[i] < k, `true class ${truth[i]} out of range`);
    if (predicted[i] < 0) unpredicted++;
    else counts[truth[i] * k + predicted[i]]++;
  }
  return { classNames, counts, unpredicted };
}

/** Fraction of queries classified correctly (unpredicted ones count as wrong). */
export function accuracy(m: ConfusionMatrix): number {
  const k = m.classNames.length;
  let right = 0;
  let total = m.unpredicted;
  for (let t = 0; t < k; t++)
    for (let p = 0; p < k; p++) {
      total += m.counts[t * k + p];
      if (t === p) right += m.counts[t * k + p];
    }
  return total === 0 ? 0 : right / total;
}

/** Recall of each class (diagonal over row sum); NaN for a class with no queries. */
export function perClassAccuracy(m: ConfusionMatrix): number[] {
  const k = m.classNames.length;
  return m.classNames.map((_, t) => {
    let row = 0;
    for (let p = 0; p < k; p++) row += m.counts[t * k + p];
    return row === 0 ? NaN : m.counts[t * k + t] / row;
  });
}

/** Markdown table: rows = true class, columns = predicted class, last column = recall in % (– for a class with no queries). */
export function confusionMarkdown(m: ConfusionMatrix): string {
  const k = m.classNames.length;
  const recall = perClassAccuracy(m);
  const short = m.classNames.map((c) => c.slice(0, 6));
  const lines = [`| true \\ predicted | ${short.join(' | ')} | recall |`, `|---|${'---:|'.repeat(k + 1)}`];
  for (let t = 0; t < k; t++) {
    const row = Array.from(m.counts.subarray(t * k, (t + 1) * k), (v) => String(v));
    lines.push(`| ${m.classNames[t]} | ${row.join(' | ')} | ${Number.isNaN(recall[t]) ? '–' : `${(100 * recall[t]).toFixed(1)}%`} |`);
  }
  return lines.join('\n');
}
