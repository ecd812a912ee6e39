import { assert } from '../../core/errors.ts';

/** One confidence bin of a reliability diagram: (lower, upper], with the photos that fell in it. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  /** Photos whose confidence is in the bin. */
  count: number;
  /** Their mean confidence (NaN for an empty bin; null in JSON). */
  confidence: number;
  /** The fraction of them classified correctly (NaN for an empty bin). */
  accuracy: number;
}

export interface Calibration {
  /** Expected calibration error, 0 … 1: Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|. */
  ece: number;
  /** Largest gap |acc − conf| over the non-empty bins (maximum calibration error). */
  mce: number;
  /** Mean confidence and accuracy over all photos (overconfidence when the first is larger). */
  meanConfidence: number;
  accuracy: number;
  bins: CalibrationBin[];
}

/** Bins of the expected calibration error, as Guo et al. 2017 (§2) compute it. */
export const ECE_BINS = 15;

/**
 * Calibration of a classifier's confidences (Guo, Pleiss, Sun & Weinberger, "On Calibration of Modern
 * Neural Networks", ICML 2017, §2 eqs. 2–3): the confidences are put in `bins` equal-width bins
 * I_m = ((m−1)/M, m/M] (a confidence of exactly 0 goes in the first), and the expected calibration error is
 * ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|, the mean gap between accuracy and confidence weighted by
 * the bins' sizes; a perfectly calibrated classifier has 0, one that is always sure and always wrong 1.
 * @param confidence per photo, the probability of its predicted class, in [0, 1]
 * @param correct per photo, whether the prediction was right
 * @param bins M, number of equal-width bins (default 15)
 * @example expectedCalibration([0.9, 0.9, 0.6], [true, false, true]).ece // (2·|0.5−0.9| + |1−0.6|)/3 ≈ 0.4
 */
export function expectedCalibration(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = ECE_BINS): Calibration {
  assert(confidence.length === correct.length, 'one confidence per prediction');
  assert(Number.isInteger(bins) && bins >= 1, `bins ${bins}`);
  const n = confidence.length;
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const right = new Float64Array(bins);
  let confTotal = 0;
  let rightTotal = 0;
  for (let i = 0; i < n; i++) {
    const p = confidence[i];
    assert(p >= 0 && p <= 1 + 1e-9, `confidence ${p} outside [0, 1]`);
    const m = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[m]++;
    confSum[m] += p;
    confTotal += p;
    if (correct[i]) {
      right[m]++;
      rightTotal++;
    }
  }
  let ece = 0;
  let mce = 0;
  const out: CalibrationBin[] = [];
  for (let m = 0; m < bins; m++) {
    const c = count[m];
    const conf = c ? confSum[m] / c : NaN;
    const acc = c ? right[m] / c : NaN;
    if (c) {
      const gap = Math.abs(acc - conf);
      ece += (c / n) * gap;
      mce = Math.max(mce, gap);
    }
    out.push({ lower: m / bins, upper: (m + 1) / bins, count: c, confidence: conf, accuracy: acc });
  }
  return { ece: n ? ece : NaN, mce: n ? mce : NaN, meanConfidence: n ? confTotal / n : NaN, accuracy: n ? rightTotal / n : NaN, bins: out };
}

/** Markdown table of the non-empty bins: range, photos, mean confidence, accuracy, gap. */
export function calibrationMarkdown(c: Calibration): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const lines = ['| confidence | photos | mean confidence | accuracy | gap |', '|---|---:|---:|---:|---:|'];
  for (const b of c.bins)
    if (b.count) lines.push(`| ${b.lower.toFixed(2)}–${b.upper.toFixed(2)} | ${b.count} | ${pct(b.confidence)} | ${pct(b.accuracy)} | ${pct(Math.abs(b.accuracy - b.confidence))} |`);
  return lines.join('\n');
}
