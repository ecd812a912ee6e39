/**
 * `deja reconstruct`: a folder of photos → cameras and points (Schönberger & Frahm 2016's pipeline):
 * decode, SIFT in worker threads, exhaustive or vocabulary-tree matching with geometric verification,
 * incremental mapping with bundle adjustment, point colours, and COLMAP's text model + PLY, a top view
 * and the viewer's scene in the output folder.
 */
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import path from 'node:path';
import { readNumberRows } from '../io/folderFiles.ts';
import { SfmDatabase } from '../store/sfmDatabase.ts';
import { writeOutputFolder } from '../io/outputFolder.ts';
import { type PreparedPhotos, preparePhotos } from './reconstruct/preparePhotos.ts';
import { ReconstructPhotoOptions, reconstructPreparedPhotos, type ReconstructionReport } from './reconstruct/reconstructPhotos.ts';

export type { StageTime } from './reconstruct/preparePhotos.ts';

/** Options of `deja reconstruct`. */
export const ReconstructOptions = ReconstructPhotoOptions.omit({ K: true }).extend({
  folder: z.string().min(1).describe('Folder of photos of one scene (one level; files that are not photos are skipped and reported).'),
  out: z.string().min(1).describe('Output folder for cameras.txt, images.txt, points3D.txt (COLMAP text model), points.ply, topview.png and scene.json; created when missing.'),
  K: z.string().optional().describe('A 3 × 3 K.txt for the photos at their stored size (scaled with them); required with pinhole.'),
  database: z.union([z.string().min(1), z.literal(false)]).optional()
    .describe('SfM database (COLMAP’s database.db): each photo’s SIFT features and each pair’s verified matches, read back on a rerun and written as they are made; default <out>/database.sqlite; false keeps nothing.'),
});
export type ReconstructOptions = z.input<typeof ReconstructOptions>;

/** What `deja reconstruct --json` reports (OpenSfM-style: one entry per stage). */
export interface ReconstructReport extends ReconstructionReport {
  folder: string;
  files: string[];
  /** topview.png: the points from above, coloured, with the cameras (also in `files`). */
  topView: string;
  /** The SfM database the features and matches were read from and written to (absent with database: false). */
  database?: string;
}

/** A K.txt's nine numbers, row-major. */
function readK(file: string): number[] {
  const rows = readNumberRows(file);
  if (rows.length !== 3 || rows.some((r) => r.length !== 3))
    throw new DejaError('BAD_ARGUMENT', 'expected a 3 × 3 upper-triangular K with positive focal lengths and last row 0 0 1', { file, hint: 'three lines: fx s cx / 0 fy cy / 0 0 1' });
  return rows.flat();
}

function checkCameraOptions(o: z.output<typeof ReconstructOptions>): void {
  if (o.cameraModel === 'pinhole' && !o.K) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs --K', { hint: 'pass --K K.txt, or use --camera-model simple-radial' });
}

/**
 * Reconstructs a folder of photos of one scene and writes the outputs into `out` (all or nothing).
 *
 * Stages (Schönberger & Frahm 2016, §4): (1) decode, gray and sRGB, longer side ≤ maxSize; (2) SIFT
 * (`siftFeaturesBatch`, worker threads); (3) exhaustive or retrieval pairs, matched and verified;
 * (4) `incrementalMapper` with one shared camera, or one per photo (focal length from EXIF; Snavely et
 * al. 2006, §4); (5) point colours, the COLMAP text model and PLY, topview.png and scene.json.
 *
 * @returns the per-image outcome, the camera(s), the summary, each stage's seconds and the files written.
 * @throws DejaError NOT_FOUND (no folder, no K file), BAD_ARGUMENT (pinhole without --K, a bad K,
 *   photos of different sizes with a shared camera), NO_DATA (fewer than two photos, no overlapping
 *   pair — naming the pairs tried and the best —, only identical photos, no initial pair).
 * @example
 * const r = await reconstruct({ folder: 'fountain/images', out: 'fountain/sparse', cameraModel: 'pinhole', K: 'fountain/K.txt', maxSize: 512 });
 * console.log(`${r.summary.registered}/${r.images.length} registered, ${r.summary.points} points`);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016;
 * S. Agarwal et al., "Building Rome in a Day", ICCV 2009.
 */
export async function reconstruct(rawOptions: ReconstructOptions, progress: Progress = silentProgress): Promise<ReconstructReport> {
  const o = parseOptions(ReconstructOptions, rawOptions);
  checkCameraOptions(o);
  const began = performance.now();
  const { K: kFile, database: where, ...rest } = o;
  const database = where === false ? undefined : SfmDatabase.open(where ?? path.join(o.out, 'database.sqlite'));
  try {
    const prepared = await preparePhotos({ ...rest, knownK: kFile !== undefined, database }, progress);
    return { ...(await reconstructPrepared(prepared, rawOptions, progress, database)), ...(database ? { database: database.file } : {}), seconds: (performance.now() - began) / 1000 };
  } finally {
    database?.close();
  }
}

/**
 * `reconstruct` from photos already decoded and described (`preparePhotos`, or a `preparedSubset` of
 * them): stages 3–5, the outputs written into `out`. The options' folder, maxSize, maxFeatures and
 * threads are those of the preparation.
 *
 * @returns the report; `seconds` counts these stages plus the preparation's decode and SIFT time.
 * @throws DejaError as `reconstruct`.
 * @example const all = await preparePhotos({ folder, maxSize: 1024 }); const r = await reconstructPrepared(preparedSubset(all, names.slice(0, 25)), { folder, out });
 */
export async function reconstructPrepared(prepared: PreparedPhotos, rawOptions: ReconstructOptions, progress: Progress = silentProgress, database?: SfmDatabase): Promise<ReconstructReport> {
  const { folder, out, K: kFile, database: _where, ...o } = parseOptions(ReconstructOptions, rawOptions);
  checkCameraOptions({ folder, out, K: kFile, ...o });
  const { report, outputs } = await reconstructPreparedPhotos(prepared, { ...o, K: kFile ? readK(kFile) : undefined }, progress, database);
  const began = performance.now();
  const files = await writeOutputFolder(out, async (add) => {
    for (const [name, bytes] of Object.entries(outputs)) add(name, bytes);
  });
  const written = (performance.now() - began) / 1000;
  report.stages.export.seconds += written;
  return { folder, files, topView: files.find((f) => f.endsWith('topview.png'))!, ...report, seconds: report.seconds + written };
}
