/**
 * Worker side of `matchImagePairsParallel`: every image's keypoints and descriptors arrive once, in
 * shared memory (workerData); each task is a list of pairs, matched and verified here.
 */
import { workerData } from 'node:worker_threads';
import { serveTasks } from '../../core/workerTask.ts';
import { type ImageFeatures, matchImagePairs, type PairMatchingOptions, type PairMatchReport } from './matchImagePairs.ts';
import type { MatchTask } from './matchPairsParallel.ts';

const { features, options } = workerData as { features: ImageFeatures[]; options: Omit<PairMatchingOptions, 'progress'> };

serveTasks<MatchTask, PairMatchReport[]>(async (t) => {
  // The RANSAC models stay here: the pipeline needs the inliers, not F, E and H.
  const result = matchImagePairs(features, t.pairs, options).pairs.map((r) => ({ ...r, geometry: null }));
  const transfer = result.flatMap((r) => [r.matches.pairs.buffer, r.matches.distances.buffer, ...(r.inliers ? [r.inliers.buffer] : [])]) as ArrayBuffer[];
  return { result, transfer: [...new Set(transfer)] };
});
