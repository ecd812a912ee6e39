/**
 * The incremental mapper's working state and its point operations: which images are registered,
 * which tracks have a 3D point and which observations support it; triangulation of tracks, extension
 * of tracks to a new image, and the filter on reprojection error and triangulation angle
 * (Schönberger & Frahm 2016, §4.4–4.5).
 */
import { type CameraPose, projectPoint } from './cameraPose.ts';
import { pinholeK, type SimpleRadial, undistortPixels } from './sharedCamera.ts';
import type { Tracks } from './tracks.ts';
import { largestRayAngleDegrees, triangulatePoint, type TriangulationView } from './triangulate.ts';

/** Thresholds the point operations share. */
export interface PointThresholds {
  /** Largest reprojection error of an observation kept in a point, pixels. */
  maxReprojectionError: number;
  /** Least triangulation angle of a point, degrees. */
  minTriangulationAngle: number;
}

/** The mapper's state (mutable; one per reconstruction). */
export interface MapState {
  tracks: Tracks;
  /** Per image, its keypoints in its camera's pixels (distorted), `2 * features`. */
  pixels: Float64Array[];
  /** Per image, the same undistorted by the current k1 (pinhole pixels). */
  pinhole: Float64Array[];
  /** Per image, its camera and that camera's K: one shared camera (the same values for all), or one each. */
  cameras: SimpleRadial[];
  Ks: Float64Array[];
  /** True when each image has its own camera (bundle adjustment refines them apart). */
  perImageCameras: boolean;
  /** Per image, the focal length its camera started from (EXIF or guess), which the per-image prior holds it near. */
  priorFocalLengths: Float64Array;
  /** Per image, its camFromWorld pose once registered. */
  poses: (CameraPose | null)[];
  /** Registered images in registration order (bundle adjustment's camera order). */
  order: number[];
  /** Per track, its point (`3 * tracks`) and whether it has one. */
  point: Float64Array;
  hasPoint: Uint8Array;
  /** Per track observation, 1 when it supports its track's point. */
  active: Uint8Array;
}

/** A fresh state: nothing registered; `camera` one shared camera, or an array of one per image. */
export function createMapState(tracks: Tracks, pixels: Float64Array[], camera: SimpleRadial | readonly SimpleRadial[]): MapState {
  const perImageCameras = Array.isArray(camera);
  const cameras = pixels.map((_, im) => ({ ...(perImageCameras ? (camera as readonly SimpleRadial[])[im] : (camera as SimpleRadial)) }));
  return {
    tracks, pixels, pinhole: pixels.map((p, im) => undistortPixels(p, cameras[im])), cameras, Ks: cameras.map(pinholeK), perImageCameras,
    priorFocalLengths: Float64Array.from(cameras, (c) => c.f),
    poses: pixels.map(() => null), order: [], point: new Float64Array(3 * tracks.count), hasPoint: new Uint8Array(tracks.count),
    active: new Uint8Array(tracks.image.length),
  };
}

/** Sets the shared camera (after bundle adjustment) and re-undistorts the keypoints. */
export function setCamera(state: MapState, camera: SimpleRadial): void {
  const k1Changed = camera.k1 !== state.cameras[0].k1 || camera.f !== state.cameras[0].f;
  state.cameras = state.cameras.map(() => ({ ...camera }));
  const K = pinholeK(camera);
  state.Ks = state.cameras.map(() => K);
  if (k1Changed) state.pinhole = state.pixels.map((p) => undistortPixels(p, camera));
}

/** Sets image im's own camera (per-image cameras, after bundle adjustment) and re-undistorts its keypoints. */
export function setImageCamera(state: MapState, im: number, camera: SimpleRadial): void {
  const old = state.cameras[im];
  if (camera.k1 === old.k1 && camera.f === old.f && camera.cx === old.cx && camera.cy === old.cy) return;
  state.cameras[im] = { ...camera };
  state.Ks[im] = pinholeK(camera);
  state.pinhole[im] = undistortPixels(state.pixels[im], camera);
}

const scratch = new Float64Array(2);

/** Reprojection error (pinhole pixels) of observation o against point X, or Infinity behind the camera. */
export function observationError(state: MapState, o: number, X: ArrayLike<number>, xOffset = 0): number {
  const im = state.tracks.image[o], f = state.tracks.feature[o], pose = state.poses[im];
  if (!pose) return Infinity;
  const depth = projectPoint(state.Ks[im], pose, X[xOffset], X[xOffset + 1], X[xOffset + 2], scratch);
  if (!(depth > 0)) return Infinity;
  return Math.hypot(scratch[0] - state.pinhole[im][2 * f], scratch[1] - state.pinhole[im][2 * f + 1]);
}

function view(state: MapState, o: number): TriangulationView {
  const im = state.tracks.image[o], f = state.tracks.feature[o];
  return { K: state.Ks[im], pose: state.poses[im]!, x: state.pinhole[im][2 * f], y: state.pinhole[im][2 * f + 1] };
}

/**
 * Triangulates track k from its registered observations: all of them first; failing that, the pair
 * of views with the largest agreeing set (views within the error threshold), retriangulated from
 * that set. Sets the point and its active observations; returns whether it has one.
 */
export function triangulateTrack(state: MapState, k: number, th: PointThresholds): boolean {
  const { offsets } = state.tracks;
  const obs: number[] = [];
  for (let o = offsets[k]; o < offsets[k + 1]; o++) if (state.poses[state.tracks.image[o]]) obs.push(o);
  if (obs.length < 2) return false;
  const options = { minAngleDegrees: th.minTriangulationAngle, maxReprojectionError: th.maxReprojectionError };
  let r = triangulatePoint(obs.map((o) => view(state, o)), options);
  let used = obs;
  if (!r.success && obs.length > 2) {
    let best: number[] = [];
    const capped = obs.slice(0, 12);
    for (let a = 0; a < capped.length; a++) {
      for (let b = a + 1; b < capped.length; b++) {
        const two = triangulatePoint([view(state, capped[a]), view(state, capped[b])], options);
        if (!two.success) continue;
        const agreeing = obs.filter((o) => observationError(state, o, two.point) <= th.maxReprojectionError);
        if (agreeing.length > best.length) best = agreeing;
      }
    }
    if (best.length >= 2) {
      used = best;
      r = triangulatePoint(best.map((o) => view(state, o)), options);
    }
  }
  if (!r.success) return false;
  state.point.set(r.point, 3 * k);
  state.hasPoint[k] = 1;
  for (let o = offsets[k]; o < offsets[k + 1]; o++) state.active[o] = 0;
  for (const o of used) state.active[o] = 1;
  return true;
}

/**
 * After image `im` registers: its observations of tracks that have a point join them when they
 * reproject within the threshold (COLMAP's track continuation); its other tracks are triangulated.
 *
 * @returns how many observations joined and how many points were made.
 */
export function extendAndTriangulate(state: MapState, im: number, th: PointThresholds): { continued: number; created: number } {
  const { featureTrack } = state.tracks;
  let continued = 0, created = 0;
  for (const k of featureTrack[im]) {
    if (k < 0) continue;
    if (state.hasPoint[k]) {
      const o = observationOf(state, k, im);
      if (observationError(state, o, state.point, 3 * k) <= th.maxReprojectionError) {
        state.active[o] = 1;
        continued++;
      }
    } else if (triangulateTrack(state, k, th)) created++;
  }
  return { continued, created };
}

/** The observation index of image im in track k (−1 if none). */
export function observationOf(state: MapState, k: number, im: number): number {
  const { offsets, image } = state.tracks;
  for (let o = offsets[k]; o < offsets[k + 1]; o++) if (image[o] === im) return o;
  return -1;
}

/**
 * Removes observations whose reprojection error exceeds the threshold, then points left with fewer
 * than two observations or with a triangulation angle below the least one.
 *
 * @returns observations removed and points removed.
 */
export function filterPoints(state: MapState, th: PointThresholds): { observations: number; points: number } {
  const { offsets } = state.tracks;
  let observations = 0, points = 0;
  for (let k = 0; k < state.tracks.count; k++) {
    if (!state.hasPoint[k]) continue;
    const views: TriangulationView[] = [];
    for (let o = offsets[k]; o < offsets[k + 1]; o++) {
      if (!state.active[o]) continue;
      if (observationError(state, o, state.point, 3 * k) > th.maxReprojectionError) {
        state.active[o] = 0;
        observations++;
      } else views.push(view(state, o));
    }
    if (views.length >= 2 && largestRayAngleDegrees(views, state.point.subarray(3 * k, 3 * k + 3)) >= th.minTriangulationAngle) continue;
    state.hasPoint[k] = 0;
    for (let o = offsets[k]; o < offsets[k + 1]; o++) state.active[o] = 0;
    points++;
  }
  return { observations, points };
}

/**
 * Re-admits observations of registered images that reproject within the threshold onto their
 * track's point (COLMAP's `CompleteTracks`): an observation filtered out, or not continued, under an
 * earlier pose often fits after bundle adjustment has moved the cameras, and a point seen by more
 * images constrains them better.
 *
 * @returns how many observations joined.
 */
export function completeTracks(state: MapState, th: PointThresholds): number {
  const { offsets, image } = state.tracks;
  let joined = 0;
  for (let k = 0; k < state.tracks.count; k++) {
    if (!state.hasPoint[k]) continue;
    for (let o = offsets[k]; o < offsets[k + 1]; o++) {
      if (state.active[o] || !state.poses[image[o]]) continue;
      if (observationError(state, o, state.point, 3 * k) <= th.maxReprojectionError) {
        state.active[o] = 1;
        joined++;
      }
    }
  }
  return joined;
}

/** Triangulates every track that has no point but two or more registered views; returns how many it made. */
export function retriangulate(state: MapState, th: PointThresholds): number {
  let created = 0;
  for (let k = 0; k < state.tracks.count; k++) if (!state.hasPoint[k] && triangulateTrack(state, k, th)) created++;
  return created;
}

/** Points and active observations now. */
export function pointCounts(state: MapState): { points: number; observations: number } {
  let points = 0, observations = 0;
  for (let k = 0; k < state.tracks.count; k++) points += state.hasPoint[k];
  for (let o = 0; o < state.active.length; o++) observations += state.active[o];
  return { points, observations };
}
