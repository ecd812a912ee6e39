/**
 * `deja reconstruct`: a folder of photos → cameras and points (Schönberger & Frahm 2016's pipeline,
 * `reconstructPhotos`), with COLMAP's text model, a PLY, topview.png and scene.json in the output folder.
 */
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { silentProgress, type Progress } from '../core/progress.ts';
import { readFileOrThrow } from '../io/decode.ts';
import { listFolderFiles, readNumberRows } from '../io/folderFiles.ts';
import { writeOutputFolder } from '../io/outputFolder.ts';
import { PHOTO_EXTENSIONS } from '../io/sources.ts';
import { ReconstructPhotoOptions, reconstructPhotos, type ReconstructionReport } from './shared/reconstructPhotos.ts';

export type { StageTime } from './shared/reconstructPhotos.ts';

/** Options of `deja reconstruct`. */
export const ReconstructOptions = ReconstructPhotoOptions.omit({ K: true }).extend({
  folder: z.string().min(1).describe('Folder of photos of one scene (one level; files that are not photos are skipped and reported).'),
  out: z.string().min(1).describe('Output folder for cameras.txt, images.txt, points3D.txt (COLMAP text model), points.ply, topview.png and scene.json; created when missing.'),
  K: z.string().optional().describe('A 3 × 3 K.txt for the photos at their stored size (scaled with them); required with pinhole.'),
});
export type ReconstructOptions = z.input<typeof ReconstructOptions>;

/** What `deja reconstruct --json` reports (OpenSfM-style: one entry per stage). */
export interface ReconstructReport extends ReconstructionReport {
  folder: string;
  files: string[];
  /** topview.png: the points from above, coloured, with the cameras (also in `files`). */
  topView: string;
}

/** A K.txt's nine numbers, row-major. */
function readK(file: string): number[] {
  const rows = readNumberRows(file);
  if (rows.length !== 3 || rows.some((r) => r.length !== 3))
    throw new DejaError('BAD_ARGUMENT', 'expected a 3 × 3 upper-triangular K with positive focal lengths and last row 0 0 1', { file, hint: 'three lines: fx s cx / 0 fy cy / 0 0 1' });
  return rows.flat();
}

/**
 * Reconstructs a folder of photos of one scene and writes the outputs into `out` (all or nothing).
 *
 * @returns the per-image outcome, the camera, the summary, each stage's seconds and the files written.
 * @throws DejaError NOT_FOUND (no folder, no K file), BAD_ARGUMENT (pinhole without --K, a bad K,
 *   photos of different sizes), NO_DATA (fewer than two photos, no overlapping pair, no initial pair).
 * @example
 * const r = await reconstruct({ folder: 'fountain/images', out: 'fountain/sparse', cameraModel: 'pinhole', K: 'fountain/K.txt', maxSize: 512 });
 * console.log(`${r.summary.registered}/${r.images.length} registered, ${r.summary.points} points`);
 *
 * References: J. L. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016.
 */
export async function reconstruct(rawOptions: ReconstructOptions, progress: Progress = silentProgress): Promise<ReconstructReport> {
  const { folder, out, K: kFile, ...o } = parseOptions(ReconstructOptions, rawOptions);
  if (o.cameraModel === 'pinhole' && !kFile) throw new DejaError('BAD_ARGUMENT', 'the pinhole camera model needs --K', { hint: 'pass --K K.txt, or use --camera-model simple-radial' });
  const K = kFile ? readK(kFile) : undefined;
  const skipped: ReconstructReport['skipped'] = [], sources = [];
  for (const f of listFolderFiles(folder)) {
    if (PHOTO_EXTENSIONS.has(f.name.slice(f.name.lastIndexOf('.')).toLowerCase())) sources.push({ name: f.name, path: f.path, read: () => readFileOrThrow(f.path) });
    else skipped.push({ path: f.path, reason: 'not a photo (by its extension)' });
  }
  const { report, outputs } = await reconstructPhotos(sources, folder, { ...o, K }, progress, skipped);
  const began = performance.now();
  const files = await writeOutputFolder(out, async (add) => {
    for (const [name, bytes] of Object.entries(outputs)) add(name, bytes);
  });
  report.stages.export.seconds += (performance.now() - began) / 1000;
  return { folder, files, topView: files.find((f) => f.endsWith('topview.png'))!, ...report };
}
