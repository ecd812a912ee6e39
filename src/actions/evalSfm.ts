/**
 * `deja eval sfm`: a reconstruction's cameras (COLMAP text model) against known cameras (Strecha's
 * `.camera` files): camera-centre and rotation errors after a similarity alignment, and
 * relative-rotation errors, which need none.
 */
import { z } from 'zod';
import { DejaError } from '../core/errors.ts';
import { parseOptions } from '../core/parseOptions.ts';
import { rotationFromQuaternion } from '../math/quaternion.ts';
import { readColmapModel } from '../io/colmapModel.ts';
import { listFolderFiles, readNumberRows } from '../io/folderFiles.ts';
import { transpose3, mulVec3 } from '../math/mat3.ts';
import { cameraErrors, type CameraErrors } from '../sfm/mapper/cameraErrors.ts';
import type { CameraPose } from '../sfm/mapper/cameraPose.ts';

/** Options of `deja eval sfm`. */
export const EvalSfmOptions = z.object({
  model: z.string().min(1).describe('Folder of a COLMAP text model (cameras.txt, images.txt), e.g. what `deja reconstruct --out` wrote.'),
  gt: z.string().min(1).describe("Folder of ground-truth cameras, one '<image name>.camera' file each (Strecha's format: K, distortion, R camera-to-world, C, size)."),
});
export type EvalSfmOptions = z.input<typeof EvalSfmOptions>;

/** What `deja eval sfm --json` reports: the errors, and which images had no counterpart. */
export interface EvalSfmReport extends CameraErrors {
  /** Image names, in the order of the per-camera errors. */
  names: string[];
  /** Ground-truth cameras the model does not have (not registered), and model images without ground truth. */
  missing: string[];
  unmatched: string[];
}

/** A Strecha `.camera` file as a camFromWorld pose: R_cw = Rᵀ, t = −Rᵀ C. */
function strechaPose(file: string): CameraPose {
  const rows = readNumberRows(file);
  if (rows.length < 8 || rows.slice(4, 8).some((r) => r.length !== 3))
    throw new DejaError('BAD_ARGUMENT', 'expected a Strecha camera file: K (3 lines), distortion, R (3 lines), C, size', { file });
  const R = transpose3(rows.slice(4, 7).flat());
  const t = mulVec3(R, rows[7]).map((v) => -v);
  return { R, t: Float64Array.from(t) };
}

/**
 * Evaluates a model's cameras against ground truth, matched by image name.
 *
 * @throws DejaError NOT_FOUND (no model files, no gt folder), BAD_ARGUMENT (malformed files),
 *   NO_DATA (fewer than three cameras in common).
 * @example const r = evalSfm({ model: 'out', gt: 'fountain-P11/gt_cameras' }); // r.position.mean (m), r.rotation.mean (°)
 *
 * References: S. Umeyama, IEEE TPAMI 13(4), 1991 (alignment); C. Strecha et al., "On benchmarking
 * camera calibration and multi-view stereo for high resolution imagery", CVPR 2008 (the data's format).
 */
export function evalSfm(rawOptions: EvalSfmOptions): EvalSfmReport {
  const o = parseOptions(EvalSfmOptions, rawOptions);
  const model = readColmapModel(o.model);
  const gt = new Map(listFolderFiles(o.gt).filter((f) => f.name.endsWith('.camera')).map((f) => [f.name.slice(0, -'.camera'.length), f.path]));
  const names: string[] = [], estimated: CameraPose[] = [], truth: CameraPose[] = [], unmatched: string[] = [];
  for (const im of model.images) {
    const file = gt.get(im.name);
    if (!file) {
      unmatched.push(im.name);
      continue;
    }
    names.push(im.name);
    estimated.push({ R: rotationFromQuaternion(im.qvec), t: Float64Array.from(im.tvec) });
    truth.push(strechaPose(file));
  }
  if (names.length < 3)
    throw new DejaError('NO_DATA', `the model and the ground truth share ${names.length} cameras; at least 3 are needed to align them`, { file: o.gt, hint: "ground-truth files are named '<image name>.camera', e.g. 0000.jpg.camera" });
  const missing = [...gt.keys()].filter((n) => !names.includes(n)).sort();
  return { ...cameraErrors(estimated, truth), names, missing, unmatched };
}
