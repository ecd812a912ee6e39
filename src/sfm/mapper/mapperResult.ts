/**
 * The incremental mapper's output: cameras, points with their tracks, per-image status and the
 * summary (COLMAP's model plus OpenSfM's reconstruction report), built from the final state.
 */
import type { CameraPose } from './cameraPose.ts';
import type { InitialPair } from './initialPair.ts';
import type { MapState } from './mapState.ts';

/** The shared camera in COLMAP's terms; params in keypoint pixels ((0, 0) the centre of the top-left pixel). */
export interface MapperCamera {
  /** SIMPLE_RADIAL: f, cx, cy, k1; PINHOLE: fx, fy, cx, cy. */
  model: 'SIMPLE_RADIAL' | 'PINHOLE';
  width: number;
  height: number;
  params: number[];
}

/** One input image's outcome. */
export interface MapperImageStatus {
  index: number;
  registered: boolean;
  /** camFromWorld, null when not registered. */
  pose: CameraPose | null;
  /** Why it did not register (null when it did). */
  reason: string | null;
  /** Observations of 3D points. */
  observations: number;
}

/** The 3D points: point p is xyz[3p …], seen at (image[o], feature[o]) for o in offsets[p] … offsets[p + 1] − 1. */
export interface MapperPoints {
  count: number;
  xyz: Float64Array;
  /** Mean reprojection error per point, pixels. */
  error: Float64Array;
  offsets: Int32Array;
  image: Int32Array;
  feature: Int32Array;
}

export interface MapperSummary {
  images: number;
  registered: number;
  points: number;
  observations: number;
  meanTrackLength: number;
  /** Over all observations, under the final camera (with k1), pixels. */
  meanReprojectionError: number;
  /** Milliseconds per stage: tracks, initialPair, registration, triangulation, bundle, filter, total. */
  ms: Record<'tracks' | 'initialPair' | 'registration' | 'triangulation' | 'bundle' | 'filter' | 'total', number>;
}

export interface MapperResult {
  /** False when no initial pair could be solved (then nothing is registered). */
  success: boolean;
  reason: string | null;
  camera: MapperCamera;
  /** With per-image cameras: each input image's camera (refined when it registered), else null. */
  cameras: MapperCamera[] | null;
  images: MapperImageStatus[];
  points: MapperPoints;
  initialPair: InitialPair | null;
  /** Registrations in order: image, 2D–3D inliers and correspondences (the initial pair's: E inliers),
   *  and, for a per-image camera whose focal length was a guess, the focal length the sweep chose (pixels). */
  registrations: { image: number; inliers: number; correspondences: number; sweptFocalLength?: number }[];
  summary: MapperSummary;
}

/** Reprojection error of active observation o under the SIMPLE_RADIAL camera, pixels (distorted). */
function distortedError(state: MapState, o: number, k: number): number {
  const im = state.tracks.image[o], f = state.tracks.feature[o], { R, t } = state.poses[im]!;
  const X = state.point, x = X[3 * k], y = X[3 * k + 1], z = X[3 * k + 2];
  const cz = R[6] * x + R[7] * y + R[8] * z + t[2];
  const u = (R[0] * x + R[1] * y + R[2] * z + t[0]) / cz, v = (R[3] * x + R[4] * y + R[5] * z + t[1]) / cz;
  const { f: fl, cx, cy, k1 } = state.cameras[im], d = 1 + k1 * (u * u + v * v);
  return Math.hypot(fl * d * u + cx - state.pixels[im][2 * f], fl * d * v + cy - state.pixels[im][2 * f + 1]);
}

/** The result from the final state. */
export function mapperResult(state: MapState, model: 'simple-radial' | 'pinhole', K: ArrayLike<number>, reasons: string[], init: InitialPair | null,
  ms: Omit<MapperSummary['ms'], 'total'>, t0: number, failure: string | null, size: { width: number; height: number }, sizes?: readonly { width: number; height: number }[]): MapperResult {
  const offsets = [0], image: number[] = [], feature: number[] = [], xyz: number[] = [], error: number[] = [];
  const perImage = new Int32Array(state.poses.length);
  let sum = 0;
  for (let k = 0; k < state.tracks.count; k++) {
    if (!state.hasPoint[k]) continue;
    let e = 0, n = 0;
    for (let o = state.tracks.offsets[k]; o < state.tracks.offsets[k + 1]; o++) {
      if (!state.active[o]) continue;
      image.push(state.tracks.image[o]);
      feature.push(state.tracks.feature[o]);
      perImage[state.tracks.image[o]]++;
      e += distortedError(state, o, k);
      n++;
    }
    offsets.push(image.length);
    xyz.push(state.point[3 * k], state.point[3 * k + 1], state.point[3 * k + 2]);
    error.push(e / n);
    sum += e;
  }
  const c = state.cameras[0];
  const camera: MapperCamera = model === 'pinhole'
    ? { model: 'PINHOLE', ...size, params: [K[0], K[4], K[2], K[5]] }
    : { model: 'SIMPLE_RADIAL', ...size, params: [c.f, c.cx, c.cy, c.k1] };
  const cameras: MapperCamera[] | null = state.perImageCameras
    ? state.cameras.map((ci, im) => ({ model: 'SIMPLE_RADIAL', ...(sizes?.[im] ?? size), params: [ci.f, ci.cx, ci.cy, ci.k1] })) : null;
  const points = error.length, observations = image.length;
  const registered = state.order.length;
  return {
    success: failure === null, reason: failure, camera, cameras,
    images: state.poses.map((pose, index) => ({ index, registered: pose !== null, pose, reason: pose ? null : reasons[index], observations: perImage[index] })),
    points: { count: points, xyz: Float64Array.from(xyz), error: Float64Array.from(error), offsets: Int32Array.from(offsets), image: Int32Array.from(image), feature: Int32Array.from(feature) },
    initialPair: init, registrations: [],
    summary: {
      images: state.poses.length, registered, points, observations, meanTrackLength: points ? observations / points : 0,
      meanReprojectionError: observations ? sum / observations : 0, ms: { ...ms, total: performance.now() - t0 },
    },
  };
}
