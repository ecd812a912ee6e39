import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';

/**
 * Scene matching for completion (Hays & Efros 2007, §3): the query's gist with the hole excluded
 * (each descriptor dimension weighted by how much of its cell is known) plus a small L*a*b* colour
 * thumbnail of the known region, gist weighted 2:1 over colour.
 */

/** A colour thumbnail of the known region: per cell mean L*a*b* and the known fraction of the cell. */
export interface LabThumbnail {
  size: number;
  /** `3 * size * size`, planar (L*, a*, b*), row-major cells. */
  values: Float32Array;
  /** `size * size`, fraction of the cell that is known (1 without a mask). */
  weights: Float32Array;
}

/**
 * Area-averaged `size × size` L*a*b* thumbnail of the known pixels (the paper's colour descriptor).
 * @param lab L*a*b* image (3 planes)
 * @param mask `w*h`, 1 = hole (excluded), or null for a photo of the collection
 * @param size cells per side (default 4)
 */
export function labThumbnail(lab: Image, mask: Uint8Array | null, size = 4): LabThumbnail {
  const { width: w, height: h } = lab;
  assert(lab.channels === 3 && (!mask || mask.length === w * h), 'lab thumbnail inputs');
  const n = w * h;
  const sums = new Float64Array(3 * size * size);
  const known = new Float64Array(size * size);
  const total = new Float64Array(size * size);
  for (let y = 0; y < h; y++) {
    const cy = Math.min(size - 1, Math.floor((y * size) / h));
    for (let x = 0; x < w; x++) {
      const cell = cy * size + Math.min(size - 1, Math.floor((x * size) / w));
      const i = y * w + x;
      total[cell]++;
      if (mask && mask[i]) continue;
      known[cell]++;
      for (let c = 0; c < 3; c++) sums[c * size * size + cell] += lab.data[c * n + i];
    }
  }
  const values = new Float32Array(3 * size * size);
  const weights = new Float32Array(size * size);
  for (let cell = 0; cell < size * size; cell++) {
    weights[cell] = total[cell] ? known[cell] / total[cell] : 0;
    for (let c = 0; c < 3; c++) values[c * size * size + cell] = known[cell] ? sums[c * size * size + cell] / known[cell] : 0;
  }
  return { size, values, weights };
}

/** Mean squared L*a*b* difference between a query thumbnail and a scene's, weighted by the query's known fractions. */
export function thumbnailDistance(query: LabThumbnail, scene: LabThumbnail): number {
  assert(query.size === scene.size, 'thumbnail sizes match');
  const cells = query.size * query.size;
  let sum = 0;
  let wsum = 0;
  for (let cell = 0; cell < cells; cell++) {
    const wt = query.weights[cell];
    if (wt === 0) continue;
    let d = 0;
    for (let c = 0; c < 3; c++) {
      const diff = query.values[c * cells + cell] - scene.values[c * cells + cell];
      d += diff * diff;
    }
    sum += wt * d;
    wsum += wt;
  }
  return wsum ? sum / wsum : 0;
}

/**
 * Weighted squared L2 distance from one query descriptor to every row of a matrix:
 * `d_r = Σ_j weights_j · (query_j − data[r·dim + j])² / Σ_j weights_j`.
 * @param data `n × dim` row-major
 * @param weights `dim` non-negative weights (the masked gist's per-dimension cell weights)
 * @param rows optional subset of row indices (all rows when omitted)
 * @returns `Float64Array(rows ? rows.length : n)`, one distance per (selected) row
 */
export function weightedDistances(query: Float32Array, data: Float32Array, n: number, dim: number, weights: Float32Array, rows?: Int32Array): Float64Array {
  assert(query.length === dim && weights.length === dim && data.length >= n * dim, 'weighted distance shapes');
  let wsum = 0;
  for (let j = 0; j < dim; j++) wsum += weights[j];
  assert(wsum > 0, 'some descriptor dimension carries weight');
  const count = rows ? rows.length : n;
  const out = new Float64Array(count);
  for (let r = 0; r < count; r++) {
    let s = 0;
    const base = (rows ? rows[r] : r) * dim;
    for (let j = 0; j < dim; j++) {
      const d = query[j] - data[base + j];
      s += weights[j] * d * d;
    }
    out[r] = s / wsum;
  }
  return out;
}

/** Median of the finite values (robust scale for combining distances of different units). */
export function medianOf(values: ArrayLike<number>): number {
  const v = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return 1;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/**
 * Combined scene distance: each term divided by its median over the candidates, then
 * `gistWeight · gist + colorWeight · colour` (the paper weights gist 2:1 over colour, §3).
 */
export function combineSceneDistances(gist: ArrayLike<number>, color: ArrayLike<number>, gistWeight = 2, colorWeight = 1): Float64Array {
  assert(gist.length === color.length, 'one colour distance per gist distance');
  const gs = medianOf(gist) || 1;
  const cs = medianOf(color) || 1;
  const out = new Float64Array(gist.length);
  for (let i = 0; i < gist.length; i++) out[i] = (gistWeight * gist[i]) / gs + (colorWeight * color[i]) / cs;
  return out;
}

/** Indices of the `k` smallest values, ascending (ties by index). */
export function smallest(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[a] - values[b] || a - b);
  return idx.slice(0, Math.min(k, idx.length));
}
