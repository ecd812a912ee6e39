/**
 * Helpers for the SIFT tests: exact and interpolated warps of a gray image with the map of
 * keypoint positions they imply, and the repeatability and matching measures of Mikolajczyk et al.
 * (IJCV 2005, §4.1) simplified to circular regions. Not used by the pipeline itself.
 */
import { createImage, type Image } from '../../core/image.ts';
import { Rng } from '../../core/rng.ts';
import { resize } from '../../imgproc/resample.ts';
import { SIFT_DIM, type SiftFeatures } from './siftFeatures.ts';

/** Where a warp sends points, lengths and directions: (x, y) → (a·x + b·y + c, d·x + e·y + f). */
export interface PointTransform {
  /** Row-major 2 × 3 forward map, input pixel centres → output pixel centres. */
  map: Float64Array;
  /** Scale factor of lengths (σ multiplies by this). */
  scale: number;
  /** Rotation of directions, radians (orientations add this). */
  rotation: number;
}

/** A warped image and the transform of its points. */
export interface Warped extends PointTransform {
  image: Image;
}

/** The inverse of a similarity transform. */
export function invertTransform(t: PointTransform): PointTransform {
  const [a, b, c, d, e, f] = t.map;
  const det = a * e - b * d;
  const map = Float64Array.of(e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det);
  return { map, scale: 1 / t.scale, rotation: -t.rotation };
}

/** Rotation by θ (clockwise on screen, image axes y down) and scaling by `scale` about the centre, onto the bounding box, bilinear; outside is `fill`. */
export function rotateImage(image: Image, theta: number, scale = 1, fill = 0.5): Warped {
  const { width: w, height: h } = image;
  const c = Math.cos(theta) * scale, s = Math.sin(theta) * scale;
  const W = Math.ceil(Math.abs(w * c) + Math.abs(h * s)), H = Math.ceil(Math.abs(w * s) + Math.abs(h * c));
  const cx = (w - 1) / 2, cy = (h - 1) / 2, cX = (W - 1) / 2, cY = (H - 1) / 2;
  const map = Float64Array.of(c, -s, cX - c * cx + s * cy, s, c, cY - s * cx - c * cy);
  const out = createImage(W, H, 1);
  const k = 1 / (scale * scale);
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      // Inverse similarity: the source point of output pixel (X, Y).
      const x = k * (c * (X - cX) + s * (Y - cY)) + cx, y = k * (-s * (X - cX) + c * (Y - cY)) + cy;
      out.data[Y * W + X] = bilinear(image, x, y, fill);
    }
  }
  return { image: out, map, scale, rotation: theta };
}

/** Exact rotation by 90° clockwise (a transpose and a flip: no interpolation). */
export function rotate90(image: Image): Warped {
  const { width: w, height: h } = image;
  const out = createImage(h, w, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.data[x * h + (h - 1 - y)] = image.data[y * w + x];
  return { image: out, map: Float64Array.of(0, -1, h - 1, 1, 0, 0), scale: 1, rotation: Math.PI / 2 };
}

/** Shrinks by `factor` with area averaging (`resize`): output pixel o covers input [o/f, (o+1)/f). */
export function scaleImage(image: Image, factor: number): Warped {
  const W = Math.round(image.width * factor), H = Math.round(image.height * factor);
  const sx = W / image.width, sy = H / image.height;
  const map = Float64Array.of(sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5);
  return { image: resize(image, W, H), map, scale: Math.sqrt(sx * sy), rotation: 0 };
}

function bilinear(image: Image, x: number, y: number, fill: number): number {
  const { width: w, height: h, data } = image;
  if (x < 0 || y < 0 || x > w - 1 || y > h - 1) return fill;
  const x0 = Math.min(w - 2, Math.floor(x)), y0 = Math.min(h - 2, Math.floor(y)), tx = x - x0, ty = y - y0;
  const p = y0 * w + x0;
  return (data[p] * (1 - tx) + data[p + 1] * tx) * (1 - ty) + (data[p + w] * (1 - tx) + data[p + w + 1] * tx) * ty;
}

export interface CorrespondenceOptions {
  /** Largest distance in b's pixels between a warped keypoint and its counterpart (default 2.5). */
  maxDistance?: number;
  /** Largest ratio of scales, either way, after the warp's scale (default 1.5, about half an octave's spread). */
  maxScaleRatio?: number;
  /** Border of b's image where a's keypoints are not counted (default 8 px). */
  margin?: number;
  /** Orientation agreement, radians (default 15°). */
  angleTolerance?: number;
}

/** One direction of a correspondence search: keypoints of a landing inside b, and which of them have a counterpart. */
export interface OneWayMatches {
  /** Keypoints of a whose warped position falls inside b's image, `margin` px from its border. */
  considered: number;
  /** [index in a, index in b]: the nearest counterpart of each (position and scale, any orientation). */
  pairs: [number, number][];
  /** [index in a, index in b]: the counterpart whose orientation agrees best with the warp, where one agrees. */
  oriented: [number, number][];
}

/**
 * For each keypoint of `a` that lands inside b's `width × height`, its counterparts in `b`: keypoints
 * within `maxDistance` of the warped position and `maxScaleRatio` of the warped scale (the overlap
 * criterion of Mikolajczyk et al. 2005, §4.1, for circular regions), nearest first; and the one whose
 * orientation agrees best with the warp's rotation (several keypoints share a location, one per dominant orientation).
 */
export function oneWayMatches(a: SiftFeatures, b: SiftFeatures, t: PointTransform, width: number, height: number, options: CorrespondenceOptions = {}): OneWayMatches {
  const maxD2 = (options.maxDistance ?? 2.5) ** 2, maxR = options.maxScaleRatio ?? 1.5, margin = options.margin ?? 8, tolA = options.angleTolerance ?? (15 * Math.PI) / 180;
  const { map, scale, rotation } = t;
  const pairs: [number, number][] = [], oriented: [number, number][] = [];
  let considered = 0;
  for (let i = 0; i < a.count; i++) {
    const x = a.keypoints[4 * i], y = a.keypoints[4 * i + 1];
    const X = map[0] * x + map[1] * y + map[2], Y = map[3] * x + map[4] * y + map[5];
    if (X < margin || Y < margin || X > width - 1 - margin || Y > height - 1 - margin) continue;
    considered++;
    const sigma = a.keypoints[4 * i + 2] * scale, angle = a.keypoints[4 * i + 3] + rotation;
    let near = -1, nearD2 = maxD2, turn = -1, turnA = tolA;
    for (let j = 0; j < b.count; j++) {
      const dx = b.keypoints[4 * j] - X, dy = b.keypoints[4 * j + 1] - Y, d2 = dx * dx + dy * dy, r = b.keypoints[4 * j + 2] / sigma;
      if (d2 > maxD2 || r >= maxR || r <= 1 / maxR) continue;
      if (d2 <= nearD2) {
        near = j;
        nearD2 = d2;
      }
      const da = angleDifference(b.keypoints[4 * j + 3], angle);
      if (da < turnA) {
        turn = j;
        turnA = da;
      }
    }
    if (near >= 0) pairs.push([i, near]);
    if (turn >= 0) oriented.push([i, turn]);
  }
  return { considered, pairs, oriented };
}

/** Repeatability of a against its warped copy b, both ways. */
export interface Repeatability {
  /** Correspondences / the smaller number of keypoints in the common part (Mikolajczyk et al. 2005, §4.1). */
  score: number;
  /** Of a's repeated keypoints, the fraction with a counterpart whose orientation agrees with the warp. */
  orientationAgreement: number;
  forward: OneWayMatches;
  backward: OneWayMatches;
}

/**
 * Mikolajczyk's repeatability with circular regions: min(#a with a counterpart in b, #b with one in a)
 * over min(#a inside b, #b inside a).
 */
export function repeatability(a: SiftFeatures, aImage: Image, b: SiftFeatures, warped: Warped, options: CorrespondenceOptions = {}): Repeatability {
  const forward = oneWayMatches(a, b, warped, warped.image.width, warped.image.height, options);
  const backward = oneWayMatches(b, a, invertTransform(warped), aImage.width, aImage.height, options);
  const score = Math.min(forward.pairs.length, backward.pairs.length) / Math.max(1, Math.min(forward.considered, backward.considered));
  return { score, orientationAgreement: forward.oriented.length / Math.max(1, forward.pairs.length), forward, backward };
}

/** |a − b| on the circle, in [0, π]. */
export function angleDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return d > Math.PI ? 2 * Math.PI - d : d;
}

/** Euclidean distance between descriptor i of `a` and descriptor j of `b`. */
export function descriptorDistance(a: SiftFeatures, i: number, b: SiftFeatures, j: number): number {
  let s = 0;
  for (let k = 0; k < SIFT_DIM; k++) {
    const d = a.descriptors[i * SIFT_DIM + k] - b.descriptors[j * SIFT_DIM + k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** The nearest and second-nearest descriptors of `b` to descriptor i of `a`: [index, d1, d2]. */
export function twoNearest(a: SiftFeatures, i: number, b: SiftFeatures): [number, number, number] {
  let best = -1, d1 = Infinity, d2 = Infinity;
  for (let j = 0; j < b.count; j++) {
    const d = descriptorDistance(a, i, b, j);
    if (d < d1) {
      d2 = d1;
      d1 = d;
      best = j;
    } else if (d < d2) d2 = d;
  }
  return [best, d1, d2];
}

/** A gray image of Gaussian blobs on a constant background: value = background + Σ amplitude · exp(−r² / 2σ²). */
export function blobImage(width: number, height: number, background: number, blobs: { x: number; y: number; sigma: number; amplitude: number }[]): Image {
  const out = createImage(width, height, 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = background;
      for (const b of blobs) v += b.amplitude * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.sigma * b.sigma));
      out.data[y * width + x] = v;
    }
  }
  return out;
}

/** A reproducible textured gray image: seeded uniform noise blurred by a 5 × 5 box (structure at several scales after SIFT's own blur). */
export function noiseTexture(width: number, height: number, seed: number): Image {
  const rng = new Rng(seed);
  const raw = Float32Array.from({ length: width * height }, () => rng.next());
  const out = createImage(width, height, 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0, n = 0;
      for (let yy = Math.max(0, y - 2); yy <= Math.min(height - 1, y + 2); yy++) {
        for (let xx = Math.max(0, x - 2); xx <= Math.min(width - 1, x + 2); xx++, n++) s += raw[yy * width + xx];
      }
      out.data[y * width + x] = s / n;
    }
  }
  return out;
}
