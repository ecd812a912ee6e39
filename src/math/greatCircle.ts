/**
 * Great-circle geometry on a spherical Earth (mean radius 6371.0088 km, IUGG), the distance every
 * im2gps threshold (1 / 25 / 200 / 750 / 2500 km) is measured in.
 *
 * References: Hays & Efros, "IM2GPS: estimating geographic information from a single image", CVPR 2008,
 * §4 (errors are great-circle distances); Sinnott, "Virtues of the Haversine", Sky & Telescope 68(2), 1984.
 */

/** A place on the Earth, in degrees (latitude −90 … 90, longitude −180 … 180). */
export interface LatLon {
  latitude: number;
  longitude: number;
}

/** Mean Earth radius in kilometres (IUGG R1). */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/**
 * Great-circle distance by the haversine formula (accurate from millimetres to antipodes).
 * @param lat1 latitude of the first point, degrees in [-90, 90]
 * @param lon1 longitude of the first point, degrees (any range; wraps)
 * @param lat2 latitude of the second point, degrees
 * @param lon2 longitude of the second point, degrees
 * @returns distance in kilometres, in [0, π·R]
 * @example haversineKm(48.8566, 2.3522, 51.5074, -0.1278) // ≈ 343.6 (Paris → London)
 */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s1 = Math.sin(dLat / 2);
  const s2 = Math.sin(dLon / 2);
  const h = s1 * s1 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * s2 * s2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The point reached by travelling `distanceKm` from a start point along an initial bearing.
 * @param lat start latitude, degrees
 * @param lon start longitude, degrees
 * @param bearingDeg initial bearing, degrees clockwise from north
 * @param distanceKm distance along the great circle, km (≥ 0)
 * @returns `[latitude, longitude]` in degrees, longitude normalised to [-180, 180)
 * @example destinationPoint(0, 179.5, 90, 111.2) // ≈ [0, -179.5]: across the antimeridian
 */
export function destinationPoint(lat: number, lon: number, bearingDeg: number, distanceKm: number): [number, number] {
  const d = distanceKm / EARTH_RADIUS_KM;
  const p1 = lat * RAD;
  const b = bearingDeg * RAD;
  const sinP2 = Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b);
  const p2 = Math.asin(Math.max(-1, Math.min(1, sinP2)));
  const l2 = lon * RAD + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * sinP2);
  return [p2 / RAD, normaliseLongitude(l2 / RAD)];
}

/**
 * Wraps a longitude into [-180, 180).
 * @param lon degrees, any finite value
 */
export function normaliseLongitude(lon: number): number {
  const l = (((lon + 180) % 360) + 360) % 360 - 180;
  return l === 180 ? -180 : l;
}

/**
 * Latitude/longitude → unit vectors on the sphere (x towards 0°N 0°E, z towards the north pole).
 * @param lat latitudes, degrees, length n
 * @param lon longitudes, degrees, length n
 * @returns `n * 3` row-major unit vectors
 */
export function toUnitVectors(lat: ArrayLike<number>, lon: ArrayLike<number>): Float64Array {
  const n = lat.length;
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const p = lat[i] * RAD;
    const l = lon[i] * RAD;
    const c = Math.cos(p);
    out[i * 3] = c * Math.cos(l);
    out[i * 3 + 1] = c * Math.sin(l);
    out[i * 3 + 2] = Math.sin(p);
  }
  return out;
}

/**
 * A (not necessarily unit) 3-vector → latitude/longitude of its direction.
 * @returns `[latitude, longitude]` in degrees; `[0, 0]` for the zero vector
 */
export function fromVector(x: number, y: number, z: number): [number, number] {
  const r = Math.hypot(x, y, z);
  if (r === 0) return [0, 0];
  return [Math.asin(Math.max(-1, Math.min(1, z / r))) / RAD, normaliseLongitude(Math.atan2(y, x) / RAD)];
}

/**
 * Great-circle distance between two unit vectors, km (atan2 form: stable for tiny and near-antipodal angles).
 * @param a unit vectors, `3 * n`
 * @param i row of `a`
 * @param b unit vectors
 * @param j row of `b`
 */
export function chordAngleKm(a: Float64Array, i: number, b: Float64Array, j: number): number {
  const ax = a[i * 3], ay = a[i * 3 + 1], az = a[i * 3 + 2];
  const bx = b[j * 3], by = b[j * 3 + 1], bz = b[j * 3 + 2];
  const cx = ay * bz - az * by;
  const cy = az * bx - ax * bz;
  const cz = ax * by - ay * bx;
  return EARTH_RADIUS_KM * Math.atan2(Math.hypot(cx, cy, cz), ax * bx + ay * by + az * bz);
}
