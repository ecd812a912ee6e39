import { assert } from '../../core/errors.ts';
import { EARTH_RADIUS_KM, toUnitVectors } from '../../math/greatCircle.ts';

/**
 * Concentration κ of the von Mises–Fisher kernel whose small-angle limit is a Gaussian of standard
 * deviation `bandwidthKm` on the ground: κ = (R / h)².
 * @param bandwidthKm kernel bandwidth, km (> 0)
 */
export function vmfConcentration(bandwidthKm: number): number {
  assert(bandwidthKm > 0, `bandwidth must be positive, got ${bandwidthKm}`);
  const r = EARTH_RADIUS_KM / bandwidthKm;
  return r * r;
}

/**
 * log of the von Mises–Fisher normalising constant on S², per km² of ground:
 * C(κ) = κ / (2π (1 − e^{−2κ})) / R², for the kernel written as C(κ)·exp(−κ (1 − cos θ)).
 */
function logVmfNorm(kappa: number): number {
  return Math.log(kappa) - Math.log(2 * Math.PI) - Math.log1p(-Math.exp(-2 * kappa)) - 2 * Math.log(EARTH_RADIUS_KM);
}

/**
 * Weighted kernel density of points on the sphere (von Mises–Fisher kernel, the spherical Gaussian),
 * evaluated at query points: a probability density per km² that integrates to 1 over the Earth when
 * the weights sum to 1. This is im2gps's "probability map" of where a photo was taken.
 *
 * Algorithm: 1 − cos θ is computed as half the squared chord between unit vectors (stable at metres),
 * and p(x) = Σ wᵢ C(κ) exp(−κ (1 − x·pᵢ)) / Σ wᵢ.
 *
 * @param points unit vectors of the sample points, `n * 3` (see `toUnitVectors`)
 * @param weights non-negative weights, length n (at least one positive)
 * @param bandwidthKm kernel bandwidth, km
 * @param queries unit vectors of the evaluation points, `m * 3`
 * @returns density per km², length m
 * @example kernelDensity(toUnitVectors([0], [0]), [1], 10, toUnitVectors([0], [0]))[0] // ≈ 1 / (2π·10²)
 *
 * References: Hays & Efros, IM2GPS, CVPR 2008, §4 (geolocation as a probability map over the globe);
 * Fisher, "Dispersion on a sphere", Proc. R. Soc. A 217, 1953.
 */
export function kernelDensity(points: Float64Array, weights: ArrayLike<number>, bandwidthKm: number, queries: Float64Array): Float64Array {
  const n = points.length / 3;
  const m = queries.length / 3;
  assert(weights.length === n, `weights has ${weights.length} entries for ${n} points`);
  const kappa = vmfConcentration(bandwidthKm);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  assert(total > 0, 'kernel density needs a positive total weight');
  const scale = Math.exp(logVmfNorm(kappa)) / total;
  const out = new Float64Array(m);
  for (let q = 0; q < m; q++) {
    const qx = queries[q * 3], qy = queries[q * 3 + 1], qz = queries[q * 3 + 2];
    let s = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (w === 0) continue;
      const dx = qx - points[i * 3], dy = qy - points[i * 3 + 1], dz = qz - points[i * 3 + 2];
      s += w * Math.exp(-0.5 * kappa * (dx * dx + dy * dy + dz * dz));
    }
    out[q] = s * scale;
  }
  return out;
}

/** A latitude/longitude box sampled on a regular grid (row 0 = north edge). */
export interface GeoGrid {
  south: number;
  north: number;
  west: number;
  /** May be less than `west` when the box crosses the antimeridian; longitudes then wrap. */
  east: number;
  width: number;
  height: number;
}

/**
 * Kernel density on a regular latitude/longitude grid, cell centres, for maps.
 * @param latitude sample latitudes, degrees, length n
 * @param longitude sample longitudes, degrees, length n
 * @param weights sample weights, length n
 * @param bandwidthKm kernel bandwidth, km
 * @param grid the box and its resolution
 * @returns density per km², `height * width` row-major, row 0 at the north edge
 */
export function densityGrid(
  latitude: ArrayLike<number>,
  longitude: ArrayLike<number>,
  weights: ArrayLike<number>,
  bandwidthKm: number,
  grid: GeoGrid,
): Float64Array {
  const { width, height } = grid;
  const span = grid.east > grid.west ? grid.east - grid.west : grid.east + 360 - grid.west;
  const lat = new Float64Array(width * height);
  const lon = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      lat[y * width + x] = grid.north - ((y + 0.5) / height) * (grid.north - grid.south);
      lon[y * width + x] = grid.west + ((x + 0.5) / width) * span;
    }
  }
  return kernelDensity(toUnitVectors(latitude, longitude), weights, bandwidthKm, toUnitVectors(lat, lon));
}
