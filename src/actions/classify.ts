import path from 'node:path';
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { checkPhotoSize, MIN_PHOTO_SIDE } from '../core/checkPhotoSize.ts';
import type { Image } from '../core/image.ts';
import { exactKnn } from '../ann/flat.ts';
import { knnScores } from '../decoders/recognize/knnVote.ts';
import type { Collection } from '../store/collection.ts';
import { selfInCollection, type SelfInCollection } from '../store/selfInCollection.ts';
import { queryPhoto } from './shared/photoImage.ts';

/** Options of `deja classify`. */
export const ClassifyOptions = z.object({
  encoder: z.string().default('tiny').describe('Encoder spec or weighted combination (`gist+tiny:w=2,1`); the collection must hold its descriptors.'),
  k: z.number().int().min(1).max(1000).default(10).describe('Neighbours that vote (Torralba et al. 2008 §5 vote among the nearest tiny images).'),
  weighting: z.enum(['uniform', 'inverse', 'kernel']).default('kernel').describe('How votes are weighted by distance (see knnVote.ts).'),
  pca: z.number().int().min(1).optional().describe('Reduce descriptors to this many principal components before the search (Torralba et al. 2008 §5 compare tiny images after PCA); the search stays exact, in the reduced space. Default: off.'),
  excludeIds: z.array(z.number().int()).default([]).describe('Photo ids that never vote (the query\'s own record when it is in the collection).'),
});
export type ClassifyOptions = z.input<typeof ClassifyOptions>;

export { labelledSet, PCA_SAMPLE_DEFAULT, type LabelledSet, type LabelledSetOptions } from './shared/labelledSet.ts';
import { labelledSet, type LabelledSet } from './shared/labelledSet.ts';

/** `deja classify --json` result. */
export interface ClassifyResult {
  /** The winning label. */
  label: string;
  /** Every label that got a vote, best first, with its share of the weighted vote and its neighbour count. */
  scores: { label: string; score: number; votes: number }[];
  neighbours: { id: number; path: string; label: string; distance: number }[];
  encoder: string;
  k: number;
  weighting: string;
  /** Labelled photos that voted from. */
  collectionSize: number;
  /** Principal components searched in (distances are in that space), or null for full-dimension search. */
  pca: number | null;
}

/**
 * Labels a photo by k-NN vote among the collection's labelled photos (Torralba, Fergus & Freeman,
 * "80 million tiny images", PAMI 2008, §5), distance-weighted, with per-label scores.
 * @throws DejaError EMPTY_COLLECTION, NO_DATA, TOO_SMALL
 */
export async function classifyImage(collection: Collection, image: Image, rawOptions: ClassifyOptions = {}, set?: LabelledSet): Promise<ClassifyResult> {
  const options = parseOptions(ClassifyOptions, rawOptions);
  const s = set ?? (await labelledSet(collection, options.encoder, { pca: options.pca }));
  const q = s.toSearchSpace(await s.encode(image), 1);
  const exclude = new Set(options.excludeIds);
  const raw = exactKnn(s.data, s.n, s.dim, q, 1, Math.min(options.k + exclude.size, s.n), 'l2');
  const keep = Array.from(raw.labels.keys()).filter((j) => raw.labels[j] >= 0 && !exclude.has(s.photoIds[raw.labels[j]])).slice(0, options.k);
  if (keep.length === 0) throw new DejaError('NO_DATA', 'no labelled photo is left to vote once the photo itself is left out', { hint: 'label more photos with `deja index --label-from-folder`' });
  const nb = { labels: Int32Array.from(keep, (j) => raw.labels[j]), distances: Float32Array.from(keep, (j) => raw.distances[j]) };
  const k = keep.length;
  const classes = Int32Array.from(nb.labels, (r) => (r < 0 ? -1 : s.rowClass[r]));
  const scores = knnScores(classes, nb.distances, k, s.classNames.length, options.weighting);
  const votes = new Int32Array(s.classNames.length);
  for (const c of classes) if (c >= 0) votes[c]++;
  const ranked = s.classNames
    .map((label, c) => ({ label, score: scores[c], votes: votes[c], first: classes.indexOf(c) }))
    .filter((x) => x.votes > 0)
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map(({ label, score, votes: v }) => ({ label, score, votes: v }));
  const neighbours = Array.from(nb.labels, (r, j) => {
    const id = s.photoIds[r];
    return { id, path: collection.photo(id)!.path, label: s.classNames[s.rowClass[r]], distance: Math.sqrt(Math.max(0, nb.distances[j])) };
  });
  return { label: ranked[0].label, scores: ranked, neighbours, encoder: s.spec, k, weighting: options.weighting, collectionSize: s.n, pca: s.pca?.outDim ?? null };
}

export { checkPhotoSize, MIN_PHOTO_SIDE } from '../core/checkPhotoSize.ts';

/**
 * Reads a photo file and classifies it.
 * @param set the labelled set of `options.encoder` and `options.pca`, when classifying several photos (built once)
 * @throws DejaError NOT_FOUND, NOT_AN_IMAGE, TOO_SMALL and those of `classifyImage`
 */
export async function classifyFile(
  collection: Collection,
  file: string,
  options: ClassifyOptions & { excludeSelf?: boolean } = {},
  set?: LabelledSet,
): Promise<ClassifyResult & { query: string; selfInCollection: SelfInCollection | null; excludedSelf: boolean }> {
  const { image, bytes } = await queryPhoto(file);
  checkPhotoSize(image, file);
  const self = selfInCollection(collection, bytes);
  const excludedSelf = !!options.excludeSelf && self !== null;
  const { excludeSelf: _, ...rest } = options;
  const result = await classifyImage(collection, image, { ...rest, excludeIds: [...(rest.excludeIds ?? []), ...(excludedSelf ? [self.id] : [])] }, set);
  return { query: path.resolve(file), ...result, selfInCollection: self, excludedSelf };
}

