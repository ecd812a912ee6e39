import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { calibrationMarkdown, ECE_BINS, expectedCalibration } from './calibration.ts';

test('ECE agrees with a hand count over 15 bins of (lower, upper]', () => {
  // 0.9, 0.9 share the bin (0.8667, 0.9333]: accuracy 1/2, confidence 0.9; 0.6 alone in (0.5333, 0.6]: accuracy 1.
  const c = expectedCalibration([0.9, 0.9, 0.6], [true, false, true]);
  assert.equal(c.bins.length, ECE_BINS);
  assert.ok(Math.abs(c.ece - ((2 / 3) * 0.4 + (1 / 3) * 0.4)) < 1e-12, String(c.ece));
  assert.ok(Math.abs(c.mce - 0.4) < 1e-12);
  const full = c.bins.filter((b) => b.count > 0);
  assert.deepEqual(full.map((b) => [b.count, b.accuracy]), [[1, 1], [2, 0.5]]);
  assert.ok(full[0].lower < 0.6 && full[0].upper >= 0.6 - 1e-12, 'a confidence on an upper edge belongs to that bin');
  assert.equal(c.bins.reduce((s, b) => s + b.count, 0), 3, 'every prediction is in one bin');
  assert.ok(Math.abs(c.accuracy - 2 / 3) < 1e-12 && Math.abs(c.meanConfidence - 0.8) < 1e-12);
});

test('a classifier that is always sure and always wrong has ECE 1, and confidences 0 and 1 land in the end bins', () => {
  const c = expectedCalibration([1, 1, 1], [false, false, false]);
  assert.equal(c.ece, 1);
  assert.equal(c.bins[ECE_BINS - 1].count, 3);
  assert.equal(expectedCalibration([0], [false]).bins[0].count, 1);
});

test('predictions right exactly as often as their confidence say have ECE near 0, overconfident ones do not', () => {
  const rng = new Rng(5);
  const n = 20_000;
  const conf = Float64Array.from({ length: n }, () => 0.1 + 0.9 * rng.next());
  const calibrated = Array.from(conf, (p) => rng.next() < p);
  const ece = expectedCalibration(conf, calibrated).ece;
  assert.ok(ece >= 0 && ece < 0.02, `calibrated ECE ${ece}`);
  const over = Array.from(conf, (p) => rng.next() < p - 0.2);
  const e2 = expectedCalibration(conf, over).ece;
  assert.ok(e2 > 0.15 && e2 <= 0.21, `overconfident by 0.2: ECE ${e2}`);
});

test('the markdown table lists the non-empty bins only', () => {
  const md = calibrationMarkdown(expectedCalibration([0.95, 0.95, 0.35], [true, true, false]));
  const lines = md.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[2], /^\| 0\.33–0\.40 \| 1 \| 35\.0% \| 0\.0% \| 35\.0% \|$/);
  assert.match(lines[3], /^\| 0\.93–1\.00 \| 2 \| 95\.0% \| 100\.0% \| 5\.0% \|$/);
});
