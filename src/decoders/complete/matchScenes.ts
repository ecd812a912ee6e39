import { DejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { rgbToLab } from '../../imgproc/color.ts';
import { createEncoderResolved, parseEncoderSpec } from '../../encoders/factory.ts';
import { DEFAULT_GIST, gistCellWeights } from '../../encoders/gist.ts';
import type { DescriptorMatrix } from '../../store/collection.ts';
import type { SceneCandidate } from './completeFromScenes.ts';
import { diffusionFill } from './diffusionFill.ts';
import { combineSceneDistances, labThumbnail, smallest, thumbnailDistance, weightedDistances } from './sceneMatch.ts';

/**
 * What scene matching reads from a collection, handed in by the action (which owns the store and the
 * index files), so matching itself stays a computation over descriptors and decoded pixels.
 */
export interface SceneSource {
  /** The collection folder, for error messages. */
  dir: string;
  /** Photos in the collection. */
  count(): number;
  /** Encoder specs stored, with their descriptor rows. */
  encoders(): { spec: string; rows: number }[];
  descriptorMatrix(spec: string): DescriptorMatrix;
  /** The `k` rows of `matrix` nearest to `query` by a persisted approximate index (`indexSpec`, L2). */
  nearestRows(matrix: DescriptorMatrix, query: Float32Array, k: number, indexSpec: string): Int32Array;
  /** A photo's pixels (RGB in [0, 1]), shorter side about `minSide`. */
  image(id: number, minSide: number): Promise<Image>;
}

export interface MatchScenesOptions {
  /** Scenes kept (§3: the 200 nearest). */
  scenes: number;
  /** Gist encoder spec stored in the collection. */
  encoder: string;
  /** Gist vs colour-thumbnail weights of the scene distance (§3: about 2:1). */
  gistWeight: number;
  colorWeight: number;
  /** Collections with more scenes than this pick candidates with the HNSW index first. */
  approximateAbove: number;
  /** Keep only these photos as scene candidates. */
  photoFilter?: (id: number) => boolean;
}

/**
 * Scene matching (Hays & Efros 2007, §3): masked gist distance to every collection photo (exact; cells
 * weighted by their known fraction, the hole diffusion-filled first so it adds no edges), then the best
 * 3·scenes are decoded and re-ranked with the 2:1 gist + L*a*b* thumbnail distance; the best `scenes`
 * are returned.
 * @param image RGB query, `w × h`, values in [0, 1]
 * @param mask `w*h`, 1 = hole
 * @returns the scenes, best first, and the number of scenes considered
 * @throws DejaError EMPTY_COLLECTION, BAD_ARGUMENT (not a gist encoder), NO_DATA (encoder not stored)
 * @example const { scenes } = await matchScenes(source, photo, mask, { scenes: 200, encoder: 'gist', gistWeight: 2, colorWeight: 1, approximateAbove: 50_000 });
 */
export async function matchScenes(
  source: SceneSource,
  image: Image,
  mask: Uint8Array,
  options: MatchScenesOptions,
  progress: Progress = silentProgress,
): Promise<{ scenes: SceneCandidate[]; collectionSize: number }> {
  if (source.count() === 0) throw new DejaError('EMPTY_COLLECTION', 'the collection has no photos', { file: source.dir, hint: 'add some with `deja index <photos>`' });
  const encoder = await createEncoderResolved(options.encoder);
  if (!encoder.name.startsWith('gist')) throw new DejaError('BAD_ARGUMENT', `scene matching needs a gist encoder, not ${encoder.spec}`, { hint: 'pass --encoder gist' });
  if (!source.encoders().some((e) => e.spec === encoder.spec && e.rows > 0))
    throw new DejaError('NO_DATA', `the collection has no ${encoder.spec} descriptors`, { file: source.dir, hint: `add them with: deja index --encoders ${encoder.spec} <photos>` });
  const m = source.descriptorMatrix(encoder.spec);
  const { width: w, height: h } = image;
  const query = await encoder.encode(diffusionFill(image, mask).image);
  const weights = gistWeights(mask, w, h, encoder.spec, encoder.inputSize, m.dim);
  const candidates = sceneCandidates(source, m, query, options.scenes, options.approximateAbove);
  const rows = candidates.filter((r) => !options.photoFilter || options.photoFilter(m.photoIds[r]));
  const gist = weightedDistances(query, m.data, m.n, m.dim, weights, rows);
  const pre = smallest(gist, Math.min(rows.length, 3 * options.scenes));
  const queryThumb = labThumbnail(rgbToLab(image), mask);
  progress.start(pre.length, 'scene matching');
  const decoded: { id: number; image: Image; color: number; gist: number }[] = [];
  for (const j of pre) {
    const id = m.photoIds[rows[j]];
    const img = await source.image(id, Math.min(w, h));
    decoded.push({ id, image: img, gist: gist[j], color: thumbnailDistance(queryThumb, labThumbnail(rgbToLab(img), null)) });
    progress.tick();
  }
  progress.stop();
  const combined = combineSceneDistances(decoded.map((d) => d.gist), decoded.map((d) => d.color), options.gistWeight, options.colorWeight);
  const scenes = smallest(combined, options.scenes).map((i) => ({ id: decoded[i].id, image: decoded[i].image, sceneDistance: combined[i] }));
  // With the approximate stage the photo filter saw only the candidates: report the whole collection then.
  return { scenes, collectionSize: candidates.length === m.n ? rows.length : m.n };
}

/**
 * Rows to score with the exact masked gist distance: all of them in a small collection; in a large one
 * (Hays & Efros match against millions), the nearest `max(5000, 25·scenes)` by the persisted HNSW index
 * on the unmasked gist of the hole-filled query, so the exact re-rank costs the same at any size.
 * @returns row numbers of `m`
 */
export function sceneCandidates(source: Pick<SceneSource, 'nearestRows'>, m: DescriptorMatrix, query: Float32Array, scenes: number, approximateAbove: number): Int32Array {
  if (m.n <= approximateAbove) return Int32Array.from({ length: m.n }, (_, r) => r);
  const k = Math.min(m.n, Math.max(5000, 25 * scenes));
  // The search breadth (ef ≥ k) is part of the persisted index's spec: round it up to 5000·2^i so a few
  // index files serve every `scenes` (one per distinct k would fill the collection folder).
  const ef = 5000 * 2 ** Math.max(0, Math.ceil(Math.log2(k / 5000)));
  return source.nearestRows(m, query, k, `HNSW32_ef${ef}`);
}

/**
 * Per-dimension gist weights: the known fraction of each dimension's cell (the gist layout repeats
 * cells fastest), so cells mostly in the hole count little (Hays & Efros 2007, §3).
 * @param mask `w*h`, 1 = hole
 * @param dim the gist descriptor's dimension
 * @returns `dim` weights in [0, 1]
 */
export function gistWeights(mask: Uint8Array, w: number, h: number, spec: string, imageSize: number, dim: number): Float32Array {
  const grid = Number(parseEncoderSpec(spec).options.grid ?? DEFAULT_GIST.grid);
  const m255 = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) m255[i] = mask[i] ? 255 : 0;
  const cellsOnly = gistCellWeights(m255, w, h, { ...DEFAULT_GIST, imageSize, grid, orientationsPerScale: [1], color: false });
  const cells = grid * grid;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = cellsOnly[i % cells];
  return out;
}
