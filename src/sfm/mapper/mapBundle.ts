/**
 * Bundle adjustment of the mapper's state: the registered cameras (in registration order, so the
 * initial pair holds the gauge), the points with their active observations and the shared camera (or
 * each registered image's own camera, under a weak prior on f and k1), through `bundleAdjust`; the
 * results written back.
 */
import { cauchyLoss } from '../../math/robustLoss.ts';
import { bundleAdjust, type BundleReport } from '../bundle/bundleAdjust.ts';
import { type MapState, setCamera, setImageCamera } from './mapState.ts';

/** Per-image cameras' prior (Snavely et al. 2006, §4.2): f within ~25 % of its EXIF value or guess, k1 near 0. */
const PER_IMAGE_PRIOR = { sigmaF: 0.25, sigmaK1: 0.1 };

/** Options of `adjustMapState`. */
export interface MapBundleOptions {
  refineFocalLength: boolean;
  refineK1: boolean;
  maxIterations: number;
}

/**
 * Runs global bundle adjustment (Cauchy loss of scale 1 px, as COLMAP's mapper) on the state.
 *
 * @returns bundleAdjust's report, or null with fewer than two registered images or no observations.
 */
export function adjustMapState(state: MapState, options: MapBundleOptions): BundleReport | null {
  if (state.order.length < 2) return null;
  const cameraIndex = new Int32Array(state.poses.length).fill(-1);
  state.order.forEach((im, c) => (cameraIndex[im] = c));
  const pointIndex = new Int32Array(state.tracks.count).fill(-1);
  const trackOf: number[] = [];
  for (let k = 0; k < state.tracks.count; k++) if (state.hasPoint[k]) pointIndex[k] = trackOf.push(k) - 1;
  const cam: number[] = [], pt: number[] = [], px: number[] = [];
  const { offsets, image, feature } = state.tracks;
  for (let k = 0; k < state.tracks.count; k++) {
    if (pointIndex[k] < 0) continue;
    for (let o = offsets[k]; o < offsets[k + 1]; o++) {
      if (!state.active[o]) continue;
      cam.push(cameraIndex[image[o]]);
      pt.push(pointIndex[k]);
      px.push(state.pixels[image[o]][2 * feature[o]], state.pixels[image[o]][2 * feature[o] + 1]);
    }
  }
  if (cam.length === 0) return null;
  const points = new Float64Array(3 * trackOf.length);
  trackOf.forEach((k, j) => points.set(state.point.subarray(3 * k, 3 * k + 3), 3 * j));
  const report = bundleAdjust(
    {
      poses: state.order.map((im) => state.poses[im]!), points, camera: { ...state.cameras[state.order[0]] },
      cameras: state.perImageCameras ? state.order.map((im) => ({ ...state.cameras[im] })) : undefined,
      observations: { camera: Int32Array.from(cam), point: Int32Array.from(pt), pixel: Float64Array.from(px) },
    },
    {
      loss: cauchyLoss(1), refineFocalLength: options.refineFocalLength, refineK1: options.refineK1, maxIterations: options.maxIterations,
      intrinsicsPrior: state.perImageCameras ? { ...PER_IMAGE_PRIOR, f0: state.order.map((im) => state.priorFocalLengths[im]) } : undefined,
    },
  );
  state.order.forEach((im, c) => (state.poses[im] = report.poses[c]));
  trackOf.forEach((k, j) => state.point.set(report.points.subarray(3 * j, 3 * j + 3), 3 * k));
  if (report.cameras) state.order.forEach((im, c) => setImageCamera(state, im, report.cameras![c]));
  else setCamera(state, report.camera);
  return report;
}
