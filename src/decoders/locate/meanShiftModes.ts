import { assert } from '../../core/errors.ts';
import { EARTH_RADIUS_KM, chordAngleKm, fromVector, toUnitVectors } from '../../math/greatCircle.ts';
import { vmfConcentration } from './kernelDensity.ts';

/** One mode of the neighbours' positions. */
export interface GeoMode {
  latitude: number;
  longitude: number;
  /** Sum of the weights of the points whose mean-shift path ended here, as a share of all weight, in [0, 1]. */
  support: number;
  /** Number of points whose path ended here. */
  count: number;
  /** Indices (into the input arrays) of those points, ascending. */
  members: Int32Array;
}

export interface MeanShiftOptions {
  /** Kernel bandwidth, km: the spatial scale of one "place" (im2gps: a city-sized blob at world scale). */
  bandwidthKm: number;
  /** Iterations per start point (default 100). */
  maxIterations?: number;
  /** Paths that end closer than this are one mode, km (default bandwidth / 2). */
  mergeKm?: number;
}

/**
 * Mean-shift clustering of weighted points on the sphere (von Mises–Fisher kernel): every point climbs
 * the kernel density to a local maximum; points that arrive at the same maximum form one mode. Works on
 * unit vectors, so clusters across the antimeridian or near the poles are handled without special cases.
 *
 * Algorithm:
 * 1. x ← pᵢ for every start point i.
 * 2. Repeat x ← normalise(Σ wⱼ exp(−κ (1 − x·pⱼ)) pⱼ) until x moves less than bandwidth / 1000.
 * 3. Merge end points closer than `mergeKm`; a mode is the density-weighted end point of its group.
 * 4. Sort modes by support (weight share), then by count.
 *
 * @param latitude degrees, length n (n ≥ 1)
 * @param longitude degrees, length n
 * @param weights non-negative, length n (e.g. all 1 for im2gps's equal votes)
 * @returns modes, strongest first
 * @example meanShiftModes([10, 10.01, -40], [179.99, -179.99, 20], [1, 1, 1], { bandwidthKm: 50 })[0].count // 2
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 ("mean-shift clustering on the estimated locations of
 * the k nearest neighbours"); Comaniciu & Meer, "Mean shift: a robust approach toward feature space
 * analysis", PAMI 2002, §2; Kobayashi & Otsu, "Von Mises–Fisher mean shift for clustering on a
 * hypersphere", ICPR 2010.
 */
export function meanShiftModes(
  latitude: ArrayLike<number>,
  longitude: ArrayLike<number>,
  weights: ArrayLike<number>,
  options: MeanShiftOptions,
): GeoMode[] {
  const n = latitude.length;
  assert(n > 0 && longitude.length === n && weights.length === n, 'mean-shift needs n ≥ 1 points with matching arrays');
  const h = options.bandwidthKm;
  const kappa = vmfConcentration(h);
  const maxIterations = options.maxIterations ?? 100;
  const mergeKm = options.mergeKm ?? h / 2;
  const p = toUnitVectors(latitude, longitude);
  const ends = new Float64Array(n * 3);
  const tol = h / 1000;
  for (let i = 0; i < n; i++) {
    let x = p[i * 3], y = p[i * 3 + 1], z = p[i * 3 + 2];
    for (let it = 0; it < maxIterations; it++) {
      let sx = 0, sy = 0, sz = 0;
      for (let j = 0; j < n; j++) {
        const w = weights[j];
        if (w === 0) continue;
        const px = p[j * 3], py = p[j * 3 + 1], pz = p[j * 3 + 2];
        const dx = x - px, dy = y - py, dz = z - pz;
        const k = w * Math.exp(-0.5 * kappa * (dx * dx + dy * dy + dz * dz));
        sx += k * px; sy += k * py; sz += k * pz;
      }
      const r = Math.hypot(sx, sy, sz);
      if (r === 0) break; // isolated point with zero weight everywhere near it: stays put
      sx /= r; sy /= r; sz /= r;
      const moved = Math.hypot(sx - x, sy - y, sz - z) * EARTH_RADIUS_KM;
      x = sx; y = sy; z = sz;
      if (moved < tol) break;
    }
    ends[i * 3] = x; ends[i * 3 + 1] = y; ends[i * 3 + 2] = z;
  }
  return groupEnds(ends, p, weights, kappa, mergeKm);
}

/** Step 3–4: merge path end points into modes (greedy, densest end point first). */
function groupEnds(ends: Float64Array, p: Float64Array, weights: ArrayLike<number>, kappa: number, mergeKm: number): GeoMode[] {
  const n = ends.length / 3;
  const density = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const dx = ends[i * 3] - p[j * 3], dy = ends[i * 3 + 1] - p[j * 3 + 1], dz = ends[i * 3 + 2] - p[j * 3 + 2];
      s += weights[j] * Math.exp(-0.5 * kappa * (dx * dx + dy * dy + dz * dz));
    }
    density[i] = s;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => density[b] - density[a] || a - b);
  const owner = new Int32Array(n).fill(-1);
  const centres: number[] = [];
  for (const i of order) {
    for (let m = 0; m < centres.length; m++) {
      if (chordAngleKm(ends, i, ends, centres[m]) <= mergeKm) {
        owner[i] = m;
        break;
      }
    }
    if (owner[i] < 0) {
      owner[i] = centres.length;
      centres.push(i);
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const modes: GeoMode[] = centres.map((c, m) => {
    const members: number[] = [];
    let w = 0;
    for (let i = 0; i < n; i++)
      if (owner[i] === m) {
        members.push(i);
        w += weights[i];
      }
    const [latitude, longitude] = fromVector(ends[c * 3], ends[c * 3 + 1], ends[c * 3 + 2]);
    return { latitude, longitude, support: total > 0 ? w / total : members.length / n, count: members.length, members: Int32Array.from(members) };
  });
  return modes.sort((a, b) => b.support - a.support || b.count - a.count);
}
