/**
 * Capture time in ms (UTC when the offset is known; local time read as UTC otherwise), or NaN.
 * @param takenAt ISO 8601 as stored (`2024-09-23T16:06:58-04:00`, or without an offset), or null
 * @example takenAtMs('2024-09-23T16:06:58Z') // 1727107618000
 */
export function takenAtMs(takenAt: string | null): number {
  if (!takenAt) return NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(takenAt);
  return Date.parse(hasZone ? takenAt : `${takenAt}Z`);
}
