/**
 * One colour per trip, for its route on the map and its badge in the table: Tableau 10's hues, which
 * stay apart from each other and from the map's land and sea; more trips cycle through them.
 */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'];

/** Grey for a photo outside any trip (no capture time). */
export const NO_TRIP_COLOR = '#8c959f';

/** @param trip 0-based trip index, or null for a photo without one */
export function tripColor(trip: number | null): string {
  return trip === null ? NO_TRIP_COLOR : PALETTE[trip % PALETTE.length];
}
