import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cauchyLoss, huberLoss } from './robustLoss.ts';

test('huberLoss and cauchyLoss: known values and weights', () => {
  assert.equal(huberLoss(1).rho(4), 3);
  assert.equal(huberLoss(1).weight(4), 0.5);
  assert.equal(huberLoss(1).rho(0.25), 0.25);
  assert.ok(Math.abs(cauchyLoss(1).rho(1) - Math.LN2) < 1e-15);
  assert.equal(cauchyLoss(2).weight(4), 0.5);
});
