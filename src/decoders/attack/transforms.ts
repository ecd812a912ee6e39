import type { Rng } from '../../core/rng.ts';

/**
 * The random transformations of expectation over transformation (EOT): a rotation, a scale and a
 * translation (one bilinear affine warp, borders replicated), a brightness shift, and sometimes a JPEG
 * round trip. The warp and the shift are differentiated exactly (the warp's adjoint scatters the
 * gradient back along its bilinear weights; the clip to [0, 1] masks it); JPEG is not differentiable and
 * passes the gradient straight through (BPDA, Athalye, Carlini & Wagner 2018 §4.1).
 */
export interface TransformDistribution {
  /** Rotation, uniform in ±this many degrees. */
  rotationDegrees: number;
  /** Scale, uniform in [min, max]. */
  scale: readonly [number, number];
  /** Translation in x and y, each uniform in ±this fraction of the side (a random crop of the scaled image). */
  translate: number;
  /** Additive brightness shift, uniform in ±this (pixel units of [0, 1]). */
  brightness: number;
  /** Chance of a JPEG round trip, and its quality range (uniform integers). */
  jpegProbability: number;
  jpegQuality: readonly [number, number];
}

/** The default distribution: rotation ±15°, scale 0.9–1.1, translation ±10 %, brightness ±0.1, JPEG (quality 60–95) half the time. */
export const EOT_TRANSFORMS: TransformDistribution = Object.freeze({
  rotationDegrees: 15,
  scale: [0.9, 1.1] as const,
  translate: 0.1,
  brightness: 0.1,
  jpegProbability: 0.5,
  jpegQuality: [60, 95] as const,
});

/** A JPEG encode and decode of one image (planar, values in [0, 1]); null where none is available. */
export type JpegRoundTrip = (pixels: Float32Array, channels: number, size: number, quality: number) => Promise<Float32Array>;

/** A bilinear resampling of a size×size plane: four source indices and weights per output pixel. */
export interface BilinearWarp {
  size: number;
  index: Int32Array;
  weight: Float32Array;
}

/** One drawn transformation. */
export interface DrawnTransform {
  warp: BilinearWarp;
  brightness: number;
  /** JPEG quality, or null for none. */
  jpegQuality: number | null;
}

/**
 * The warp that rotates by `angle` (radians), scales by `scale` about the centre and then translates by
 * (tx, ty) pixels: output pixel q samples the source at R(−angle)(q − c − t) / scale + c, bilinearly,
 * coordinates clamped to the image (the border is replicated).
 */
export function affineWarp(size: number, angle: number, scale: number, tx: number, ty: number): BilinearWarp {
  const n = size * size;
  const index = new Int32Array(4 * n);
  const weight = new Float32Array(4 * n);
  const c = (size - 1) / 2;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const clampTo = (v: number) => Math.min(size - 1, Math.max(0, v));
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const dx = x - c - tx;
      const dy = y - c - ty;
      const sx = clampTo(cos * dx + sin * dy + c);
      const sy = clampTo(-sin * dx + cos * dy + c);
      const x0 = Math.min(size - 2, Math.floor(sx));
      const y0 = Math.min(size - 2, Math.floor(sy));
      const fx = sx - x0;
      const fy = sy - y0;
      const o = 4 * (y * size + x);
      index.set([y0 * size + x0, y0 * size + x0 + 1, (y0 + 1) * size + x0, (y0 + 1) * size + x0 + 1], o);
      weight.set([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], o);
    }
  return { size, index, weight };
}

/** Draws one transformation of `dist` for size×size images. */
export function drawTransform(dist: TransformDistribution, size: number, rng: Rng): DrawnTransform {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  const angle = (u(-1, 1) * dist.rotationDegrees * Math.PI) / 180;
  const warp = affineWarp(size, angle, u(dist.scale[0], dist.scale[1]), u(-1, 1) * dist.translate * size, u(-1, 1) * dist.translate * size);
  const jpeg = rng.next() < dist.jpegProbability;
  const quality = dist.jpegQuality[0] + rng.int(dist.jpegQuality[1] - dist.jpegQuality[0] + 1);
  return { warp, brightness: u(-1, 1) * dist.brightness, jpegQuality: jpeg ? quality : null };
}

/** `dst` = the warp of `src`, per channel (planar images of `channels` planes). */
export function applyWarp(w: BilinearWarp, src: Float32Array, channels: number, dst = new Float32Array(src.length)): Float32Array {
  const n = w.size * w.size;
  for (let ch = 0; ch < channels; ch++)
    for (let p = 0; p < n; p++) {
      const o = 4 * p;
      const b = ch * n;
      dst[b + p] = w.weight[o] * src[b + w.index[o]] + w.weight[o + 1] * src[b + w.index[o + 1]] + w.weight[o + 2] * src[b + w.index[o + 2]] + w.weight[o + 3] * src[b + w.index[o + 3]];
    }
  return dst;
}

/** `acc` += scale · warpᵀ g: the adjoint of `applyWarp`, scattering each output gradient back to its four sources. */
export function addWarpAdjoint(w: BilinearWarp, g: Float32Array, channels: number, acc: Float32Array, scale = 1): Float32Array {
  const n = w.size * w.size;
  for (let ch = 0; ch < channels; ch++)
    for (let p = 0; p < n; p++) {
      const v = scale * g[ch * n + p];
      if (v === 0) continue;
      const o = 4 * p;
      for (let k = 0; k < 4; k++) acc[ch * n + w.index[o + k]] += w.weight[o + k] * v;
    }
  return acc;
}

/**
 * Applies a drawn transformation to one image: warp, brightness shift clipped to [0, 1], then JPEG.
 * @returns the transformed image and the mask of values the clip left inside (where the gradient passes)
 */
export async function applyTransform(t: DrawnTransform, image: Float32Array, channels: number, jpeg: JpegRoundTrip | null): Promise<{ image: Float32Array; inside: Uint8Array }> {
  const out = applyWarp(t.warp, image, channels);
  const inside = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const v = out[i] + t.brightness;
    inside[i] = v > 0 && v < 1 ? 1 : 0;
    out[i] = Math.min(1, Math.max(0, v));
  }
  if (t.jpegQuality === null || !jpeg) return { image: out, inside };
  return { image: await jpeg(out, channels, t.warp.size, t.jpegQuality), inside };
}
