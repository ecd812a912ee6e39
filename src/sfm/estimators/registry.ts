/**
 * The geometric-verification estimators by name: what `--estimator` style options and the pair
 * verification take. A new estimator is one file plus one line here.
 */
import { unknownName } from '../../core/errors.ts';
import { methodNames, type MethodEntry } from '../../core/methodRegistry.ts';
import type { Estimator } from './estimator.ts';
import { fundamental7 } from './fundamental7.ts';
import { fundamental8 } from './fundamental8.ts';
import { createEssential5, type Intrinsics } from './essential5.ts';
import { createHomography4, type HomographyOptions } from './homography4.ts';
import { createP3P } from './p3p.ts';

/** Options shared by the estimators; each reads the fields it knows. */
export interface EstimatorOptions extends HomographyOptions {
  /** `essential5` and `p3p` (K1 only; required): intrinsics of the two images, so that correspondences and residuals are in pixels;
   *  without them correspondences are normalised image coordinates. */
  intrinsics?: Intrinsics;
}

export interface EstimatorEntry extends MethodEntry {
  /** Size of a minimal sample. */
  minSamples: number;
  create(options: EstimatorOptions): Estimator;
}

export const ESTIMATORS = Object.freeze({
  fundamental8: { description: 'fundamental matrix, normalised 8-point algorithm (Hartley 1997), rank 2 by SVD', minSamples: 8, create: () => fundamental8 },
  fundamental7: { description: 'fundamental matrix, 7-point algorithm (1 or 3 solutions of a cubic)', minSamples: 7, create: () => fundamental7 },
  essential5: { description: 'essential matrix for known intrinsics, Nistér\'s 5-point solver (2004, up to 10 solutions)', minSamples: 5, create: (o) => createEssential5(o.intrinsics) },
  homography4: { description: 'homography, normalised DLT on 4 points, collinear samples rejected', minSamples: 4, create: (o) => createHomography4(o) },
  p3p: { description: 'absolute pose from 2D–3D matches (x1 pixels, x2 world points), Kneip\'s P3P (2011, up to 4 poses), LM refinement; needs intrinsics.K1', minSamples: 3, create: (o) => createP3P(o.intrinsics?.K1) },
} satisfies Record<string, EstimatorEntry>);

export type EstimatorName = keyof typeof ESTIMATORS;

/** The estimator names, registry order. */
export const ESTIMATOR_NAMES = methodNames(ESTIMATORS);

/**
 * The estimator called `name`.
 *
 * @throws DejaError UNKNOWN_NAME listing the valid names.
 * @example createEstimator('essential5', { intrinsics: { K1: k, K2: k } }).minSamples; // 5
 */
export function createEstimator(name: string, options: EstimatorOptions = {}): Estimator {
  const entry = (ESTIMATORS as Readonly<Record<string, EstimatorEntry>>)[name];
  if (!entry) throw unknownName('estimator', name, ESTIMATOR_NAMES);
  return entry.create(options);
}
