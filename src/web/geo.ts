/** Distances on the Earth for the page (the estimate's error against a photo's own GPS). */
import type { LatLon } from './apiTypes.ts';

/** Mean Earth radius (km), IUGG. */
const EARTH_RADIUS_KM = 6371.0088;

/**
 * Great-circle distance between two places by the haversine formula.
 * @returns kilometres, 0..~20015
 * @example haversineKm({ latitude: 48.8566, longitude: 2.3522 }, { latitude: 51.5074, longitude: -0.1278 }) // ≈ 343.9
 */
export function haversineKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A distance for reading: metres below 1 km, whole kilometres above 100 km. */
export function formatKm(km: number): string {
  return km < 1 ? `${Math.round(km * 1000)} m` : km < 100 ? `${km.toFixed(1)} km` : `${Math.round(km).toLocaleString('en')} km`;
}
