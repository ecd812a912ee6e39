/**
 * Camera errors of a reconstruction against known cameras: a similarity (Umeyama) aligns the camera
 * centres, then position and rotation errors per camera; relative rotations need no alignment.
 */
import { assert } from '../../core/errors.ts';
import { mul3, transpose3 } from '../../math/mat3.ts';
import { umeyamaSimilarity } from '../../math/umeyama.ts';
import { cameraCentre, type CameraPose } from './cameraPose.ts';

/** Per-camera and summary errors; positions in the truth's units (metres), angles in degrees. */
export interface CameraErrors {
  cameras: number;
  /** The similarity's scale (truth units per reconstruction unit). */
  scale: number;
  position: { mean: number; median: number; max: number; perCamera: number[] };
  rotation: { mean: number; median: number; max: number; perCamera: number[] };
  /** Over all pairs i < j: angle of (R_j R_iᵀ)(R*_j R*_iᵀ)ᵀ. */
  relativeRotation: { mean: number; median: number; max: number; pairs: number };
}

/** The angle of a rotation matrix, degrees. */
export function rotationAngleDegrees(R: ArrayLike<number>): number {
  return (Math.acos(Math.max(-1, Math.min(1, (R[0] + R[4] + R[8] - 1) / 2))) * 180) / Math.PI;
}

const stats = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, median: s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2, max: s[s.length - 1] };
};

/**
 * Errors of estimated camFromWorld poses against true ones (the same cameras, in the same order).
 *
 * Algorithm: (1) centres Cᵢ = −Rᵢᵀ tᵢ; (2) the similarity y = s A x + b mapping estimated centres
 * onto true ones (`umeyamaSimilarity`); (3) position error ‖s A Cᵢ + b − C*ᵢ‖; (4) rotation error
 * the angle of Rᵢ Aᵀ R*ᵢᵀ (the estimated camera expressed in the true world); (5) relative rotation
 * error over all pairs, without alignment.
 *
 * @param estimated - at least 3 poses (camFromWorld).
 * @param truth - the true poses, camFromWorld, same count.
 * @example const e = cameraErrors(model.poses, groundTruth.poses); // e.position.mean (m), e.rotation.mean (°)
 *
 * References: S. Umeyama, IEEE TPAMI 13(4), 1991; Schönberger & Frahm 2016, §5 (evaluation against ground truth).
 */
export function cameraErrors(estimated: readonly CameraPose[], truth: readonly CameraPose[]): CameraErrors {
  const n = estimated.length;
  assert(n >= 3 && truth.length === n, `cameraErrors: expected at least 3 matching cameras but received ${n} and ${truth.length}`);
  const x = new Float64Array(3 * n), y = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    x.set(cameraCentre(estimated[i]), 3 * i);
    y.set(cameraCentre(truth[i]), 3 * i);
  }
  const sim = umeyamaSimilarity(x, y);
  const at = transpose3(sim.R);
  const position: number[] = [], rotation: number[] = [];
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let a = 0; a < 3; a++) {
      let p = sim.t[a];
      for (let b = 0; b < 3; b++) p += sim.scale * sim.R[3 * a + b] * x[3 * i + b];
      e += (p - y[3 * i + a]) ** 2;
    }
    position.push(Math.sqrt(e));
    rotation.push(rotationAngleDegrees(mul3(mul3(estimated[i].R, at), transpose3(truth[i].R))));
  }
  const relative: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const est = mul3(estimated[j].R, transpose3(estimated[i].R)), tru = mul3(truth[j].R, transpose3(truth[i].R));
      relative.push(rotationAngleDegrees(mul3(est, transpose3(tru))));
    }
  }
  return {
    cameras: n, scale: sim.scale, position: { ...stats(position), perCamera: position }, rotation: { ...stats(rotation), perCamera: rotation },
    relativeRotation: { ...stats(relative), pairs: relative.length },
  };
}
