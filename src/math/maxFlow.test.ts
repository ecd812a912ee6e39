import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { MaxFlowGraph } from './maxFlow.ts';

interface Instance {
  n: number;
  edges: [number, number, number, number][];
  terminals: [number, number][];
}

function randomInstance(rng: Rng, n: number, density: number): Instance {
  const edges: Instance['edges'] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < density) edges.push([i, j, rng.int(10), rng.int(10)]);
  const terminals: Instance['terminals'] = [];
  for (let i = 0; i < n; i++) terminals.push([rng.next() < 0.5 ? rng.int(12) : 0, rng.next() < 0.5 ? rng.int(12) : 0]);
  return { n, edges, terminals };
}

function cutCost(inst: Instance, sourceSide: (i: number) => boolean): number {
  let c = 0;
  for (const [i, j, cij, cji] of inst.edges) {
    if (sourceSide(i) && !sourceSide(j)) c += cij;
    if (sourceSide(j) && !sourceSide(i)) c += cji;
  }
  inst.terminals.forEach(([s, t], i) => (c += sourceSide(i) ? t : s));
  return c;
}

function bruteMinCut(inst: Instance): number {
  let best = Infinity;
  for (let m = 0; m < 1 << inst.n; m++) best = Math.min(best, cutCost(inst, (i) => ((m >> i) & 1) === 1));
  return best;
}

test('max flow equals the brute-force minimum cut on 300 random small graphs, and the returned cut achieves it', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 300; trial++) {
    const inst = randomInstance(rng, 2 + rng.int(8), 0.2 + 0.6 * rng.next());
    const g = new MaxFlowGraph(inst.n, 2);
    for (const [i, j, cij, cji] of inst.edges) g.addEdge(i, j, cij, cji);
    inst.terminals.forEach(([s, t], i) => g.addTerminal(i, s, t));
    const flow = g.maxFlow();
    const brute = bruteMinCut(inst);
    assert.equal(flow, brute, `trial ${trial}`);
    assert.equal(cutCost(inst, (i) => g.isSourceSide(i)), brute, `cut of trial ${trial}`);
  }
});

test('a grid graph of 200×200 nodes is solved in well under a second', () => {
  const rng = new Rng(3);
  const w = 200;
  const g = new MaxFlowGraph(w * w);
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x + 1 < w) g.addEdge(i, i + 1, 1 + rng.int(5), 1 + rng.int(5));
      if (y + 1 < w) g.addEdge(i, i + w, 1 + rng.int(5), 1 + rng.int(5));
      if (x === 0) g.addTerminal(i, Infinity, 0);
      else if (x === w - 1) g.addTerminal(i, 0, Infinity);
      else g.addTerminal(i, rng.int(3), rng.int(3));
    }
  }
  const t0 = performance.now();
  const flow = g.maxFlow();
  const ms = performance.now() - t0;
  assert.ok(flow > 0 && Number.isFinite(flow));
  assert.ok(g.isSourceSide(0) && !g.isSourceSide(w - 1));
  assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
});
