import { assert } from '../../core/errors.ts';
import { plane, toGray, type Image } from '../../core/image.ts';
import { dogExtrema } from './dogExtrema.ts';
import { DEFAULT_ORIENTATION, dominantOrientations, OrientationScratch } from './keypointOrientation.ts';
import { DEFAULT_SCALE_SPACE, gaussianScaleSpace, ScaleSpaceWorkspace, type GaussianOctave } from './scaleSpace.ts';
import { ScaleSpaceKeypoints } from './scaleSpaceKeypoints.ts';
import { DEFAULT_DESCRIPTOR, DescriptorScratch, siftDescriptor } from './siftDescriptor.ts';

/** SIFT options; every field is optional and defaults to the value in `DEFAULT_SIFT`. */
export interface SiftOptions {
  /** Pixel size of the first octave, 2^firstOctave input pixels: −1 doubles the image (Lowe §3.3; COLMAP's and OpenCV's default), 0 starts at full size. */
  firstOctave?: number;
  /** At most this many octaves (default: until the shorter side would drop below 16 pixels). */
  maxOctaves?: number;
  /** s, scales per octave (Lowe §3.2: 3). */
  scalesPerOctave?: number;
  /** σ0 of each octave's first level (Lowe §3.3: 1.6). */
  sigma?: number;
  /** Blur assumed in the input, in pixels (Lowe §3.3: 0.5). */
  assumedBlur?: number;
  /** Minimum |D(x̂)| · s for images in [0, 1] (OpenCV's 0.04; Lowe §4 has 0.03; COLMAP's VLFeat peak threshold 0.02/3 · 3 = 0.02 keeps more). */
  contrastThreshold?: number;
  /** Maximum ratio r of principal curvatures (Lowe §4.1: 10). */
  edgeThreshold?: number;
  /** Keep at most this many keypoints, the highest |D(x̂)| first (COLMAP's max_num_features, 8192); Infinity keeps all. */
  maxFeatures?: number;
  /** Orientation 0 for every keypoint, one per location (COLMAP's upright): for photos known to be upright, more distinctive. */
  upright?: boolean;
  /** RootSIFT descriptors (Arandjelović & Zisserman 2012, §2). */
  rootSift?: boolean;
  /** At most this many orientations per location (Lowe §5 and OpenCV: all peaks within 80 %; COLMAP: 2). */
  maxOrientations?: number;
}

export const DEFAULT_SIFT: Readonly<Required<SiftOptions>> = Object.freeze({
  firstOctave: DEFAULT_SCALE_SPACE.firstOctave,
  maxOctaves: DEFAULT_SCALE_SPACE.maxOctaves,
  scalesPerOctave: DEFAULT_SCALE_SPACE.scalesPerOctave,
  sigma: DEFAULT_SCALE_SPACE.sigma,
  assumedBlur: DEFAULT_SCALE_SPACE.assumedBlur,
  contrastThreshold: 0.04,
  edgeThreshold: 10,
  maxFeatures: 8192,
  upright: false,
  rootSift: false,
  maxOrientations: DEFAULT_ORIENTATION.maxOrientations,
});

/** Length of one SIFT descriptor (4 × 4 spatial bins × 8 orientations). */
export const SIFT_DIM = 128;

/** What one extraction did: counts after each stage and milliseconds per stage. */
export interface SiftReport {
  octaves: number;
  /** Extrema that passed refinement, contrast and edge tests (one per location). */
  extrema: number;
  /** Keypoints after orientation assignment (one per dominant orientation), before the cap. */
  oriented: number;
  ms: { scaleSpace: number; extrema: number; orientation: number; descriptors: number; total: number };
}

/** Keypoints and descriptors of one image, strongest first. */
export interface SiftFeatures {
  count: number;
  /**
   * count × 4: x, y (input pixels; pixel centres at integers, (0, 0) the centre of the top-left pixel —
   * add 0.5 for COLMAP's corner convention), σ (input pixels; OpenCV's `size` is 2σ), orientation
   * (radians in [0, 2π), image axes: x right, y down, so positive is clockwise on screen).
   */
  keypoints: Float32Array;
  /** count values: |D(x̂)|, the interpolated DoG contrast (descending). */
  responses: Float32Array;
  /** count × 128, row-major, unit L2 norm (see `descriptorsToUint8` for OpenCV's byte form). */
  descriptors: Float32Array;
  report: SiftReport;
}

/**
 * SIFT keypoints and descriptors of a photo, as Lowe (2004) and its reference implementations compute them:
 * 1. a Gaussian scale space, s + 3 levels per octave, from the image doubled (first octave −1) and blurred to σ0 (§3, §3.3);
 * 2. extrema of the difference of Gaussians over 3 × 3 × 3 neighbours, refined by a quadratic fit, with contrast and edge tests (§3.1, §4, §4.1);
 * 3. one keypoint per dominant gradient orientation (§5), or orientation 0 when `upright`;
 * 4. the strongest `maxFeatures` by |D(x̂)| kept (COLMAP's cap), and their 128-D descriptors (§6.1), RootSIFT if asked.
 * Colour images are reduced to luma first (`toGray`). Memory: about 9 float planes of the first octave's size (4× the input when doubled), held in `workspace`.
 *
 * @param image - a photo, values in [0, 1], 1 or 3 channels (a bare plane: `createImage(w, h, 1, data)`).
 * @param options - see `SiftOptions`; missing fields take `DEFAULT_SIFT`.
 * @param workspace - memory for the scale space, reused when given (one per thread: extracting from many images with one workspace saves the page faults of fresh planes, about a third of the time).
 * @returns keypoints, responses and descriptors, strongest first, and a report with timings.
 * @throws Error (assertion) on options out of range.
 * @example
 * const gray = (await decodeImage(bytes, { gray: true })).image;
 * const { count, keypoints, descriptors } = siftFeatures(gray, { maxFeatures: 4000 });
 *
 * References: D. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints", IJCV 60(2), 2004;
 * R. Arandjelović, A. Zisserman, CVPR 2012, §2 (RootSIFT); J. Schönberger, J.-M. Frahm, "Structure-from-Motion Revisited", CVPR 2016 (COLMAP's defaults).
 */
export function siftFeatures(image: Image, options: SiftOptions = {}, workspace = new ScaleSpaceWorkspace()): SiftFeatures {
  const o = resolveOptions(options);
  const t0 = performance.now();
  const gray = image.channels === 1 ? plane(image, 0) : toGray(image).data;
  const octaves = gaussianScaleSpace(gray, image.width, image.height, { ...DEFAULT_SCALE_SPACE, ...o }, workspace);
  const t1 = performance.now();
  const extrema = detectExtrema(octaves, o);
  const t2 = performance.now();
  const oriented = o.upright ? extrema : orientKeypoints(extrema, octaves, o);
  const t3 = performance.now();
  const order = strongestFirst(oriented, o.maxFeatures);
  const features = describeKeypoints(oriented, order, octaves, o);
  const t4 = performance.now();
  const ms = { scaleSpace: t1 - t0, extrema: t2 - t1, orientation: t3 - t2, descriptors: t4 - t3, total: t4 - t0 };
  return { ...features, report: { octaves: octaves.length, extrema: extrema.count, oriented: oriented.count, ms } };
}

function resolveOptions(options: SiftOptions): Required<SiftOptions> {
  const o = { ...DEFAULT_SIFT, ...options };
  const check = (ok: boolean, name: string, expected: string, got: unknown) => assert(ok, `Expected ${expected} for ${name} but received ${String(got)}`);
  check(Number.isInteger(o.firstOctave) && o.firstOctave >= -1, 'firstOctave', 'an integer >= -1', o.firstOctave);
  check(o.maxOctaves >= 1, 'maxOctaves', 'a number >= 1', o.maxOctaves);
  check(Number.isInteger(o.scalesPerOctave) && o.scalesPerOctave >= 1, 'scalesPerOctave', 'an integer >= 1', o.scalesPerOctave);
  check(o.sigma > 0 && o.assumedBlur >= 0, 'sigma, assumedBlur', 'sigma > 0 and assumedBlur >= 0', `${o.sigma}, ${o.assumedBlur}`);
  check(o.contrastThreshold >= 0, 'contrastThreshold', 'a number >= 0', o.contrastThreshold);
  check(o.edgeThreshold > 0, 'edgeThreshold', 'a number > 0', o.edgeThreshold);
  check(o.maxFeatures >= 0 && o.maxOrientations >= 1, 'maxFeatures, maxOrientations', 'maxFeatures >= 0 and maxOrientations >= 1', `${o.maxFeatures}, ${o.maxOrientations}`);
  return o;
}

/** Stage 2: DoG extrema of every octave. */
function detectExtrema(octaves: GaussianOctave[], o: Required<SiftOptions>): ScaleSpaceKeypoints {
  const s = o.scalesPerOctave, n0 = octaves[0].width * octaves[0].height;
  const seen = new Uint32Array(Math.ceil((s * n0) / 32));
  const out = new ScaleSpaceKeypoints();
  const options = { scalesPerOctave: s, sigma: o.sigma, contrastThreshold: o.contrastThreshold, edgeThreshold: o.edgeThreshold, border: 5, maxRefinementSteps: 5 };
  for (const octave of octaves) dogExtrema(octave.levels, octave.width, octave.height, octave.index, options, out, seen);
  return out;
}

/** Stage 3: one row per dominant orientation of each extremum. */
function orientKeypoints(extrema: ScaleSpaceKeypoints, octaves: GaussianOctave[], o: Required<SiftOptions>): ScaleSpaceKeypoints {
  const out = new ScaleSpaceKeypoints(Math.ceil(extrema.count * 1.3));
  const options = { ...DEFAULT_ORIENTATION, maxOrientations: o.maxOrientations };
  const scratch = new OrientationScratch();
  const angles = new Float64Array(options.bins);
  const first = octaves[0].index;
  for (let i = 0; i < extrema.count; i++) {
    const oct = octaves[extrema.octave[i] - first];
    const n = dominantOrientations(oct.levels[extrema.level[i]], oct.width, oct.height, extrema.x[i], extrema.y[i], extrema.sigma[i], options, scratch, angles);
    for (let k = 0; k < n; k++) out.push(extrema.octave[i], extrema.level[i], extrema.x[i], extrema.y[i], extrema.sigma[i], extrema.response[i], angles[k]);
  }
  return out;
}

/** Row indices by descending response (ties in detection order), at most `max` of them. */
function strongestFirst(k: ScaleSpaceKeypoints, max: number): Uint32Array {
  const order = new Uint32Array(k.count);
  for (let i = 0; i < k.count; i++) order[i] = i;
  order.sort((a, b) => k.response[b] - k.response[a] || a - b);
  return order.subarray(0, Math.min(k.count, max));
}

/** Stage 4: descriptors of the kept rows, and their positions in input pixels. */
function describeKeypoints(k: ScaleSpaceKeypoints, order: Uint32Array, octaves: GaussianOctave[], o: Required<SiftOptions>): Omit<SiftFeatures, 'report'> {
  const n = order.length;
  const keypoints = new Float32Array(4 * n), responses = new Float32Array(n), descriptors = new Float32Array(SIFT_DIM * n);
  const options = { ...DEFAULT_DESCRIPTOR, rootSift: o.rootSift };
  const scratch = new DescriptorScratch();
  const first = octaves[0].index;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const oct = octaves[k.octave[i] - first];
    siftDescriptor(oct.levels[k.level[i]], oct.width, oct.height, k.x[i], k.y[i], k.sigma[i], k.angle[i], options, scratch, descriptors, j * SIFT_DIM);
    const step = 2 ** k.octave[i];
    keypoints[4 * j] = k.x[i] * step;
    keypoints[4 * j + 1] = k.y[i] * step;
    keypoints[4 * j + 2] = k.sigma[i] * step;
    keypoints[4 * j + 3] = k.angle[i];
    responses[j] = k.response[i];
  }
  return { count: n, keypoints, responses, descriptors };
}
