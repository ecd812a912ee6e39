import { test } from 'node:test';
import assert from 'node:assert/strict';
import { travelLogPrior, travelScaleKm } from './travelPrior.ts';

test('the travel prior prefers short moves for short gaps and allows long ones after days', () => {
  assert.ok(travelLogPrior(0.05, 1 / 60) > travelLogPrior(5, 1 / 60));
  // After a minute, 500 km is left to the uniform share (an unexplained jump); after three days it is plausible.
  assert.ok(travelLogPrior(500, 1 / 60) < travelLogPrior(500, 72) - 3);
  assert.ok(travelLogPrior(0.05, 1 / 60) - travelLogPrior(500, 1 / 60) > 25);
  // The uniform share keeps every move finite.
  assert.ok(Number.isFinite(travelLogPrior(20000, 0)));
});

test('the travel scale grows from walking speed to flight speed', () => {
  const minute = travelScaleKm(1 / 60);
  assert.ok(minute > 0.1 && minute < 0.14, `one minute: ${minute} km`);
  const day = travelScaleKm(24);
  assert.ok(day > 8000 && day < 12000, `one day: ${day} km`);
  assert.ok(travelScaleKm(-5) === travelScaleKm(0));
});

test('the travel prior is a density per km² that integrates to about one over the plane', () => {
  // ∫ p(d) 2π d dd over d ∈ [0, ∞) for a gap of 10 minutes (scale ≈ 0.85 km, uniform part negligible).
  let sum = 0;
  const step = 0.001;
  for (let d = step / 2; d < 50; d += step) sum += Math.exp(travelLogPrior(d, 1 / 6)) * 2 * Math.PI * d * step;
  assert.ok(Math.abs(sum - 0.999) < 0.002, `integral ${sum}`);
});
