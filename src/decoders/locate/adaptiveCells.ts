import { assert, DejaError } from '../../core/errors.ts';
import { fromVector, toUnitVectors } from '../../math/greatCircle.ts';

/**
 * Adaptive geographic cells for geolocation as classification (PlaNet: Weyand, Kostrikov & Philbin,
 * "PlaNet — Photo Geolocation with Convolutional Neural Networks", ECCV 2016, §2): the sphere is cut
 * into cells along a quadtree of the six faces of the cube around it (the S2 geometry PlaNet uses,
 * without its Hilbert-curve numbering), a cell is split into four while it holds more than `maxPhotos`
 * training photos, and leaves with fewer than `minPhotos` are dropped (their photos belong to no
 * class). Dense places get small cells and empty oceans none, so the classes are balanced and a
 * correct class pins a photo down as finely as the data allow.
 */
export interface GeoCell {
  /** Cube face 0–5 (±x, ±y, ±z), quadtree level (0: the whole face) and position i, j in [0, 2^level). */
  face: number;
  level: number;
  i: number;
  j: number;
  /** Training photos inside. */
  count: number;
  /** The answer for the cell: the spherical mean of its photos' positions (PlaNet answers the cell centre; the photos' mean is never farther from them). */
  latitude: number;
  longitude: number;
  /** The cell's geometric centre. */
  centreLatitude: number;
  centreLongitude: number;
}

export interface AdaptiveCellOptions {
  /** Split a cell holding more than this many photos (PlaNet: 10,000 of 126 M photos). */
  maxPhotos: number;
  /** Drop a leaf holding fewer (PlaNet: 50). */
  minPhotos: number;
  /** Deepest level (a level-20 cell is about 10 m across). */
  maxLevel?: number;
}

export interface AdaptiveCells {
  cells: GeoCell[];
  /** The cell index of each training photo, −1 for photos in dropped leaves. */
  cellOfPhoto: Int32Array;
  /** The cell index holding a position, −1 when it falls in a dropped or empty leaf. */
  cellAt(latitude: number, longitude: number): number;
}

/** Cube face and face coordinates u, v in [−1, 1] of a unit vector (gnomonic projection onto the face). */
function faceUv(x: number, y: number, z: number): [number, number, number] {
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  if (ax >= ay && ax >= az) return x > 0 ? [0, y / ax, z / ax] : [1, -y / ax, z / ax];
  if (ay >= az) return y > 0 ? [2, -x / ay, z / ay] : [3, x / ay, z / ay];
  return z > 0 ? [4, y / az, -x / az] : [5, y / az, x / az];
}

/** The unit vector of face coordinates (the inverse of `faceUv`). */
function faceToVector(face: number, u: number, v: number): [number, number, number] {
  let x: number, y: number, z: number;
  switch (face) {
    case 0: [x, y, z] = [1, u, v]; break;
    case 1: [x, y, z] = [-1, -u, v]; break;
    case 2: [x, y, z] = [-u, 1, v]; break;
    case 3: [x, y, z] = [u, -1, v]; break;
    case 4: [x, y, z] = [-v, u, 1]; break;
    default: [x, y, z] = [v, u, -1];
  }
  const n = Math.hypot(x, y, z);
  return [x / n, y / n, z / n];
}

/** Quadtree coordinates of face coordinates at a level. */
function cellIndex(u: number, v: number, level: number): [number, number] {
  const side = 2 ** level;
  const i = Math.min(side - 1, Math.floor(((u + 1) / 2) * side));
  const j = Math.min(side - 1, Math.floor(((v + 1) / 2) * side));
  return [i, j];
}

const key = (face: number, level: number, i: number, j: number) => `${face}/${level}/${i}/${j}`;

/**
 * Builds the adaptive cells of a set of training positions.
 * @throws DejaError BAD_ARGUMENT for thresholds that cannot give any cell (minPhotos > maxPhotos, or < 1)
 * @example const { cells, cellOfPhoto } = adaptiveCells(lat, lon, { maxPhotos: 40, minPhotos: 5 });
 */
export function adaptiveCells(latitude: ArrayLike<number>, longitude: ArrayLike<number>, options: AdaptiveCellOptions): AdaptiveCells {
  const { maxPhotos, minPhotos } = options;
  const maxLevel = options.maxLevel ?? 20;
  if (!(minPhotos >= 1 && maxPhotos >= minPhotos))
    throw new DejaError('BAD_ARGUMENT', `Expected 1 <= minPhotos <= maxPhotos for the geographic cells but received minPhotos ${minPhotos}, maxPhotos ${maxPhotos}`);
  assert(latitude.length === longitude.length, 'adaptiveCells: one longitude per latitude');
  const n = latitude.length;
  const xyz = toUnitVectors(latitude, longitude);
  const face = new Int8Array(n);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  for (let p = 0; p < n; p++) [face[p], u[p], v[p]] = faceUv(xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2]);

  const cells: GeoCell[] = [];
  const cellOfPhoto = new Int32Array(n).fill(-1);
  /** Every node of the tree that was split, so a lookup can descend to its leaf. */
  const split = new Set<string>();
  const leafCell = new Map<string, number>();
  const visit = (f: number, level: number, i: number, j: number, members: number[]) => {
    if (members.length > maxPhotos && level < maxLevel) {
      split.add(key(f, level, i, j));
      const children: number[][] = [[], [], [], []];
      for (const p of members) {
        const [ci, cj] = cellIndex(u[p], v[p], level + 1);
        children[(ci - 2 * i) * 2 + (cj - 2 * j)].push(p);
      }
      children.forEach((c, q) => visit(f, level + 1, 2 * i + (q >> 1), 2 * j + (q & 1), c));
      return;
    }
    if (members.length < minPhotos) return;
    let sx = 0, sy = 0, sz = 0;
    for (const p of members) {
      sx += xyz[3 * p];
      sy += xyz[3 * p + 1];
      sz += xyz[3 * p + 2];
      cellOfPhoto[p] = cells.length;
    }
    const [lat, lon] = fromVector(sx, sy, sz);
    const side = 2 ** level;
    const [cx, cy, cz] = faceToVector(f, ((i + 0.5) / side) * 2 - 1, ((j + 0.5) / side) * 2 - 1);
    const [clat, clon] = fromVector(cx, cy, cz);
    leafCell.set(key(f, level, i, j), cells.length);
    cells.push({ face: f, level, i, j, count: members.length, latitude: lat, longitude: lon, centreLatitude: clat, centreLongitude: clon });
  };
  for (let f = 0; f < 6; f++) {
    const members: number[] = [];
    for (let p = 0; p < n; p++) if (face[p] === f) members.push(p);
    visit(f, 0, 0, 0, members);
  }
  const cellAt = (lat: number, lon: number): number => {
    const w = toUnitVectors([lat], [lon]);
    const [f, uu, vv] = faceUv(w[0], w[1], w[2]);
    for (let level = 0; level <= maxLevel; level++) {
      const [i, j] = cellIndex(uu, vv, level);
      const k = key(f, level, i, j);
      if (!split.has(k)) return leafCell.get(k) ?? -1;
    }
    return -1;
  };
  return { cells, cellOfPhoto, cellAt };
}
