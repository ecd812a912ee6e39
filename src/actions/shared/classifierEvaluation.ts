import type { CalibrationBin } from '../../decoders/recognize/calibration.ts';

/** What both classifier evaluations report (`deja eval classify --model` and `--linear`): the test photos, accuracy, confusion and calibration. */
export interface ClassifierEvaluation {
  classes: string[];
  /** Test photos evaluated. */
  tests: number;
  /** First N per class, or null for every test photo. */
  limitPerClass: number | null;
  /** Test photos left out because their label is not a class of the model, per label. */
  otherLabels: { label: string; count: number }[];
  skipped: { path: string; reason: string }[];
  /** Fraction of test photos whose most probable class is their label. */
  accuracy: number;
  /** counts[true * classes + predicted], recall per class (NaN → null for a class without test photos), and the markdown table. */
  confusion: { counts: number[]; perClassAccuracy: number[]; markdown: string };
  /** Expected calibration error over equal-width confidence bins (Guo et al. 2017), with the bins; of the softmax of the scores (for an SVM, of raw margins, which are not log-probabilities). */
  calibration: { ece: number; mce: number; meanConfidence: number; bins: CalibrationBin[] };
  /** The PNGs written with `out`, else null. */
  files: { reliability: string; confusion: string } | null;
}
