/**
 * `deja eval sfm`: a reconstruction's cameras (COLMAP text model) against known cameras (Strecha's
 * `.camera` files, or a reference CSV such as statue-of-liberty's `reference_cameras.csv`):
 * camera-centre and rotation errors after a similarity alignment, and relative-rotation errors,
 * which need none. Position errors are also given as a fraction of the reference scene's extent,
 * for references whose scale is arbitrary.
 */
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { rotationFromQuaternion } from '../math/quaternion.ts';
import { readColmapModel } from '../io/colmapModel.ts';
import { readReferenceCamerasCsv } from '../io/referenceCamerasCsv.ts';
import { listFolderFiles, readNumberRows } from '../io/folderFiles.ts';
import { transpose3, mulVec3 } from '../math/mat3.ts';
import { cameraErrors, type CameraErrors } from '../sfm/mapper/cameraErrors.ts';
import type { CameraPose } from '../sfm/mapper/cameraPose.ts';

/** Options of `deja eval sfm`. */
export const EvalSfmOptions = z.object({
  model: z.string().min(1).describe('Folder of a COLMAP text model (cameras.txt, images.txt), e.g. what `deja reconstruct --out` wrote.'),
  gt: z.string().min(1).describe("Folder of ground-truth cameras, one '<image name>.camera' file each (Strecha's format: K, distortion, R camera-to-world, C, size), or a .csv of reference cameras (file, cx, cy, cz, r11 … r33 camera-to-world)."),
});
export type EvalSfmOptions = z.input<typeof EvalSfmOptions>;

/** What `deja eval sfm --json` reports: the errors, and which images had no counterpart. */
export interface EvalSfmReport extends CameraErrors {
  /** Image names, in the order of the per-camera errors. */
  names: string[];
  /** Ground-truth cameras the model does not have (not registered), and model images without ground truth. */
  missing: string[];
  unmatched: string[];
  /** The reference scene's extent: the largest distance between two reference camera centres (all of them), in the reference's units. */
  extent: number;
  /** Position errors ÷ extent (unit-free; what to compare when the reference's scale is arbitrary). */
  relativePosition: { mean: number; median: number; max: number };
  /** 'strecha' (a folder of .camera files) or 'csv'. */
  reference: 'strecha' | 'csv';
}

/** The reference cameras by image name, camFromWorld, from a Strecha folder or a CSV. */
function referencePoses(gt: string): { kind: 'strecha' | 'csv'; poses: Map<string, () => CameraPose> } {
  if (gt.toLowerCase().endsWith('.csv')) {
    const rows = readReferenceCamerasCsv(gt);
    return { kind: 'csv', poses: new Map(rows.map((r) => [r.file, () => poseOf(r.camToWorld, r.centre)])) };
  }
  const files = listFolderFiles(gt).filter((f) => f.name.endsWith('.camera'));
  return { kind: 'strecha', poses: new Map(files.map((f) => [f.name.slice(0, -'.camera'.length), () => strechaPose(f.path)])) };
}

/** camFromWorld of a camera-to-world rotation R and centre C: R_cw = Rᵀ, t = −Rᵀ C. */
function poseOf(camToWorld: ArrayLike<number>, centre: ArrayLike<number>): CameraPose {
  const R = transpose3(camToWorld);
  return { R, t: Float64Array.from(mulVec3(R, centre), (v) => -v) };
}

/** The largest distance between two of the poses' centres. */
function centreExtent(poses: readonly CameraPose[]): number {
  const c = poses.map((p) => mulVec3(transpose3(p.R), p.t).map((v) => -v));
  let best = 0;
  for (let i = 0; i < c.length; i++) for (let j = i + 1; j < c.length; j++) best = Math.max(best, Math.hypot(c[i][0] - c[j][0], c[i][1] - c[j][1], c[i][2] - c[j][2]));
  return best;
}

/** A Strecha `.camera` file as a camFromWorld pose: R_cw = Rᵀ, t = −Rᵀ C. */
function strechaPose(file: string): CameraPose {
  const rows = readNumberRows(file);
  if (rows.length < 8 || rows.slice(4, 8).some((r) => r.length !== 3))
    throw new DejaError('BAD_ARGUMENT', 'expected a Strecha camera file: K (3 lines), distortion, R (3 lines), C, size', { file });
  return poseOf(rows.slice(4, 7).flat(), rows[7]);
}

/**
 * Evaluates a model's cameras against ground truth, matched by image name.
 *
 * @throws DejaError NOT_FOUND (no model files, no gt folder or CSV), BAD_ARGUMENT (malformed files),
 *   NO_DATA (fewer than three cameras in common).
 * @example const r = evalSfm({ model: 'out', gt: 'fountain-P11/gt_cameras' }); // r.position.mean (m), r.rotation.mean (°)
 *
 * References: S. Umeyama, IEEE TPAMI 13(4), 1991 (alignment); C. Strecha et al., "On benchmarking
 * camera calibration and multi-view stereo for high resolution imagery", CVPR 2008 (the data's format).
 */
export function evalSfm(rawOptions: EvalSfmOptions): EvalSfmReport {
  const o = parseOptions(EvalSfmOptions, rawOptions);
  const model = readColmapModel(o.model);
  const { kind, poses: gt } = referencePoses(o.gt);
  const names: string[] = [], estimated: CameraPose[] = [], truth: CameraPose[] = [], unmatched: string[] = [];
  for (const im of model.images) {
    const reference = gt.get(im.name);
    if (!reference) {
      unmatched.push(im.name);
      continue;
    }
    names.push(im.name);
    estimated.push({ R: rotationFromQuaternion(im.qvec), t: Float64Array.from(im.tvec) });
    truth.push(reference());
  }
  if (names.length < 3)
    throw new DejaError('NO_DATA', `the model and the ground truth share ${names.length} cameras; at least 3 are needed to align them`,
      { file: o.gt, hint: kind === 'csv' ? "the CSV's file column names the images, e.g. 0000.jpg" : "ground-truth files are named '<image name>.camera', e.g. 0000.jpg.camera" });
  const missing = [...gt.keys()].filter((n) => !names.includes(n)).sort();
  const errors = cameraErrors(estimated, truth);
  const extent = centreExtent([...gt.values()].map((pose) => pose()));
  const rel = (v: number) => (extent > 0 ? v / extent : NaN);
  return {
    ...errors, names, missing, unmatched, extent, reference: kind,
    relativePosition: { mean: rel(errors.position.mean), median: rel(errors.position.median), max: rel(errors.position.max) },
  };
}
