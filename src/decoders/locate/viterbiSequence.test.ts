import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viterbiSequence } from './viterbiSequence.ts';

test('Viterbi picks Healthy, Healthy, Fever with probability 0.01512 in the textbook two-state example', () => {
  // States 0 = Healthy, 1 = Fever; observations normal, cold, dizzy (Wikipedia "Viterbi algorithm" example).
  const emit = [
    [0.5, 0.4, 0.1],
    [0.1, 0.3, 0.6],
  ];
  const obs = [0, 1, 2];
  const logObs = new Float64Array(6);
  for (let t = 0; t < 3; t++) for (let s = 0; s < 2; s++) logObs[t * 2 + s] = Math.log(emit[s][obs[t]]);
  const trans = Float64Array.from([0.7, 0.3, 0.4, 0.6].map(Math.log));
  const path = viterbiSequence(3, 2, logObs, (_t, out) => out.set(trans), Float64Array.from([0.6, 0.4].map(Math.log)));
  assert.deepEqual(Array.from(path.states), [0, 0, 1]);
  assert.ok(Math.abs(Math.exp(path.logProbability) - 0.01512) < 1e-12);
});

test('Viterbi follows a time-varying transition that forbids a jump at one step only', () => {
  // Observations favour state 1 at step 1 only; the transition into step 1 makes leaving state 0 impossible,
  // so the path stays in 0 there, then may move at step 2 where transitions are free.
  const logObs = Float64Array.from([0, -5, -3, 0, -5, 0].map((v) => v));
  const path = viterbiSequence(3, 2, logObs, (t, out) => out.set(t === 1 ? [0, -Infinity, -Infinity, 0] : [Math.log(0.5), Math.log(0.5), Math.log(0.5), Math.log(0.5)]));
  assert.deepEqual(Array.from(path.states), [0, 0, 1]);
});

test('Viterbi with one step returns the best observation', () => {
  const path = viterbiSequence(1, 3, Float64Array.of(-2, -1, -3), () => assert.fail('no transitions for one step'));
  assert.deepEqual(Array.from(path.states), [1]);
});
