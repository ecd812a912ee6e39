/**
 * The one way Deja writes a distance for people (CLI text, maps, the web page): metres below 1 km,
 * one decimal below 100 km (dropped when it is .0, so thresholds read "1 km", "25 km"), whole
 * kilometres with thousands separators above.
 * @example [0.25, 1, 12.34, 4321.6].map(formatKm) // ['250 m', '1 km', '12.3 km', '4,322 km']
 */
export function formatKm(km: number): string {
  if (!Number.isFinite(km)) return '—';
  if (km < 1) return `${Math.round(km * 1000)} m`;
  if (km < 100) return `${km.toFixed(1).replace(/\.0$/, '')} km`;
  return `${Math.round(km).toLocaleString('en')} km`;
}
