import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.ts';
import { argmaxClasses, quantise, type AttackBatch, type AttackModel } from './attackModel.ts';
import { eot, transformRobustness } from './eot.ts';
import { formatEpsilon, parseEpsilon } from './epsilon.ts';
import { fgsm } from './fgsm.ts';
import { ATTACK_METHOD_NAMES, ATTACK_METHODS } from './methods.ts';
import { onePixel } from './onePixel.ts';
import { perturbationNorms } from './perturbation.ts';
import { pgd } from './pgd.ts';
import { addWarpAdjoint, affineWarp, applyWarp } from './transforms.ts';

/**
 * A two-layer ReLU network in closed form, z = W2 relu(W1 x + b1) + b2, on `channels`×`size`×`size`
 * images, with its exact input gradient: an attack model the tests can check by hand.
 */
function reluNet(size: number, hidden: number, classes: number, seed: number, channels = 3): AttackModel & { weights: Float64Array } {
  const V = channels * size * size;
  const rng = new Rng(seed);
  const w1 = Float64Array.from({ length: hidden * V }, () => rng.normal() / Math.sqrt(V) * 8);
  const b1 = Float64Array.from({ length: hidden }, () => rng.normal() * 0.5);
  const w2 = Float64Array.from({ length: classes * hidden }, () => rng.normal() / Math.sqrt(hidden) * 3);
  const forward = (x: Float32Array, i: number) => {
    const pre = new Float64Array(hidden);
    for (let h = 0; h < hidden; h++) {
      let s = b1[h];
      for (let v = 0; v < V; v++) s += w1[h * V + v] * (x[i * V + v] - 0.5);
      pre[h] = s;
    }
    const z = new Float64Array(classes);
    for (let k = 0; k < classes; k++) for (let h = 0; h < hidden; h++) z[k] += w2[k * hidden + h] * Math.max(0, pre[h]);
    return { pre, z };
  };
  return {
    classes,
    channels,
    size,
    values: V,
    weights: w1,
    logits: async (x, n) => {
      const out = new Float32Array(n * classes);
      for (let i = 0; i < n; i++) out.set(forward(x, i).z, i * classes);
      return out;
    },
    lossGradient: async (x, n, target) => {
      const loss = new Float32Array(n);
      const gradient = new Float32Array(n * V);
      const logits = new Float32Array(n * classes);
      for (let i = 0; i < n; i++) {
        const { pre, z } = forward(x, i);
        logits.set(z, i * classes);
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        const dz = new Float64Array(classes);
        for (let k = 0; k < classes; k++) {
          const t = target[i * classes + k];
          dz[k] = e[k] / sum - t;
          if (t) loss[i] -= t * (z[k] - max - Math.log(sum));
        }
        for (let h = 0; h < hidden; h++) {
          if (pre[h] <= 0) continue;
          let g = 0;
          for (let k = 0; k < classes; k++) g += w2[k * hidden + h] * dz[k];
          for (let v = 0; v < V; v++) gradient[i * V + v] += g * w1[h * V + v];
        }
      }
      return { loss, gradient, logits };
    },
  };
}

/** `n` random 8-bit images and the model's own answers for them as labels (so every one starts "correct"). */
async function batchFor(model: AttackModel, n: number, seed: number): Promise<AttackBatch> {
  const rng = new Rng(seed);
  const images = Float32Array.from({ length: n * model.values }, () => Math.round(255 * rng.next()) / 255);
  return { images, n, labels: argmaxClasses(await model.logits(images, n), n, model.classes), targets: null };
}

const lossOf = async (model: AttackModel, x: Float32Array, b: AttackBatch) => (await model.lossGradient!(x, b.n, oneHotRows(b.labels, model.classes))).loss;
const oneHotRows = (labels: Int32Array, K: number) => {
  const t = new Float32Array(labels.length * K);
  labels.forEach((l, i) => (t[i * K + l] = 1));
  return t;
};
const successes = async (model: AttackModel, x: Float32Array, b: AttackBatch) => {
  const p = argmaxClasses(await model.logits(x, b.n), b.n, model.classes);
  return Array.from(p).filter((c, i) => (b.targets ? c === b.targets[i] : c !== b.labels[i])).length;
};

test('the test network\'s input gradient matches central finite differences', async () => {
  const model = reluNet(4, 6, 3, 1);
  const b = await batchFor(model, 2, 2);
  const t = oneHotRows(b.labels, 3);
  const { gradient } = await model.lossGradient!(b.images, 2, t);
  for (const v of [0, 7, 30, 47 + 48]) {
    const up = Float32Array.from(b.images);
    const down = Float32Array.from(b.images);
    up[v] += 1e-3;
    down[v] -= 1e-3;
    const fd = ((await model.lossGradient!(up, 2, t)).loss[Math.floor(v / 48)] - (await model.lossGradient!(down, 2, t)).loss[Math.floor(v / 48)]) / 2e-3;
    assert.ok(Math.abs(fd - gradient[v]) < 1e-2 * Math.max(1, Math.abs(fd)), `value ${v}: ${fd} vs ${gradient[v]}`);
  }
});

test('FGSM at ε = 8/255 raises the loss of every image, within ε of it and inside [0, 1]', async () => {
  const model = reluNet(8, 16, 5, 3);
  const b = await batchFor(model, 20, 4);
  const adv = await fgsm(model, b, 8 / 255);
  const [l0, l1] = [await lossOf(model, b.images, b), await lossOf(model, adv, b)];
  for (let i = 0; i < b.n; i++) assert.ok(l1[i] > l0[i], `image ${i}: ${l0[i]} → ${l1[i]}`);
  for (let i = 0; i < adv.length; i++) {
    assert.ok(Math.abs(adv[i] - b.images[i]) <= 8 / 255 + 1e-6);
    assert.ok(adv[i] >= 0 && adv[i] <= 1);
  }
});

test('PGD succeeds at least as often as FGSM, and more often than with a smaller ε', async () => {
  const model = reluNet(8, 16, 5, 5);
  const b = await batchFor(model, 40, 6);
  const eps = 4 / 255;
  const f = await successes(model, await fgsm(model, b, eps), b);
  const p = await successes(model, await pgd(model, b, { eps, steps: 10 }), b);
  const small = await successes(model, await pgd(model, b, { eps: 1 / 255, steps: 10 }), b);
  assert.ok(p >= f, `pgd ${p} vs fgsm ${f} of 40`);
  assert.ok(p > small, `ε 4/255: ${p}, ε 1/255: ${small}`);
  assert.ok(p > 0 && p <= 40);
});

test('targeted PGD reaches its target class, and FGSM towards a target lowers the target\'s loss', async () => {
  const model = reluNet(8, 16, 4, 7);
  const b0 = await batchFor(model, 20, 8);
  const targets = Int32Array.from(b0.labels, (l) => (l + 1) % 4);
  const b = { ...b0, targets };
  const reached = await successes(model, await pgd(model, b, { eps: 16 / 255, steps: 20 }), b);
  assert.ok(reached >= 10, `${reached} of 20 reached their target`);
  const adv = await fgsm(model, b, 4 / 255);
  const t = oneHotRows(targets, 4);
  const [l0, l1] = [(await model.lossGradient!(b.images, 20, t)).loss, (await model.lossGradient!(adv, 20, t)).loss];
  assert.ok(l1.every((v, i) => v < l0[i]));
});

test('the one-pixel attack changes at most k pixels, finds the pixel a model hinges on, and stops early', async () => {
  // A linear model whose class 1 logit grows with the red value of pixel (5, 2): one pixel decides.
  const S = 8;
  const V = 3 * S * S;
  const hinge = 2 * S + 5;
  const model: AttackModel = {
    classes: 2, channels: 3, size: S, values: V, lossGradient: null,
    logits: async (x, n) => Float32Array.from({ length: 2 * n }, (_, j) => (j % 2 === 0 ? 0.3 : 2 * x[Math.floor(j / 2) * V + hinge] - 1.5)),
  };
  const b: AttackBatch = { images: new Float32Array(2 * V).fill(0.2), n: 2, labels: Int32Array.of(0, 0), targets: null };
  const { adversarial, queries } = await onePixel(model, b, { pixels: 1, population: 40, iterations: 30, seed: 3 });
  for (let i = 0; i < 2; i++) {
    const norms = perturbationNorms(b.images.subarray(i * V, (i + 1) * V), adversarial.subarray(i * V, (i + 1) * V), 3, S);
    assert.equal(norms.pixels, 1, `image ${i} changed ${norms.pixels} pixels`);
    assert.ok(adversarial[i * V + hinge] > 0.9, 'the red value of the hinge pixel went up');
    assert.ok(queries[i] < 40 * 31, 'stopped before the last generation');
  }
  const net = reluNet(8, 16, 5, 9);
  const nb = await batchFor(net, 4, 10);
  for (const k of [1, 3]) {
    const r = await onePixel(net, nb, { pixels: k, population: 20, iterations: 3, seed: 1 });
    for (let i = 0; i < 4; i++) assert.ok(perturbationNorms(nb.images.subarray(i * V, (i + 1) * V), r.adversarial.subarray(i * V, (i + 1) * V), 3, 8).pixels <= k);
  }
});

test('the bilinear warp\'s adjoint is its transpose: <W x, y> = <x, Wᵀ y>', () => {
  const rng = new Rng(11);
  const w = affineWarp(9, 0.2, 1.07, 0.8, -1.3);
  const x = Float32Array.from({ length: 3 * 81 }, () => rng.next());
  const y = Float32Array.from({ length: 3 * 81 }, () => rng.next() - 0.5);
  const wx = applyWarp(w, x, 3);
  const wty = addWarpAdjoint(w, y, 3, new Float32Array(3 * 81));
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  assert.ok(Math.abs(dot(wx, y) - dot(x, wty)) < 1e-4, `${dot(wx, y)} vs ${dot(x, wty)}`);
  const identity = applyWarp(affineWarp(9, 0, 1, 0, 0), x, 3);
  assert.ok(identity.every((v, i) => Math.abs(v - x[i]) < 1e-6), 'no rotation, scale or shift: the image itself');
});

test('EOT examples stay adversarial under fresh random transformations more often than PGD ones', async () => {
  const model = reluNet(16, 24, 4, 12);
  const b = await batchFor(model, 24, 13);
  const eps = 8 / 255;
  const plain = quantise(await pgd(model, b, { eps, steps: 20 }), b.images, eps);
  const robust = quantise(await eot(model, b, { eps, steps: 20, samples: 8, jpeg: null }), b.images, eps);
  const draws = { draws: 20, seed: 99, jpeg: null };
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
  const [rp, re] = [mean(await transformRobustness(model, b, plain, draws)), mean(await transformRobustness(model, b, robust, draws))];
  assert.ok(re > rp, `EOT ${re.toFixed(3)} vs PGD ${rp.toFixed(3)} of transformed views still adversarial`);
});

test('8-bit rounding stays on the grid and inside the ε-ball', () => {
  const x0 = Float32Array.of(10 / 255, 200 / 255, 0, 1);
  const x = Float32Array.of(10 / 255 + 0.0312, 200 / 255 - 0.0299, 0.02, 0.99);
  const q = quantise(x, x0, 8 / 255);
  for (let i = 0; i < q.length; i++) {
    assert.ok(Math.abs(q[i] * 255 - Math.round(q[i] * 255)) < 1e-4);
    assert.ok(Math.abs(q[i] - x0[i]) <= 8 / 255 + 1e-6);
  }
});

test('ε is read as a fraction or a number in [0, 1], and anything else is refused in one line', () => {
  assert.equal(parseEpsilon('8/255'), 8 / 255);
  assert.equal(parseEpsilon('0.03'), 0.03);
  assert.equal(parseEpsilon('0'), 0);
  assert.equal(formatEpsilon(8 / 255), '8/255');
  assert.equal(formatEpsilon(0.03), '0.03');
  for (const bad of ['2', '-1', '300/255', 'abc', '8/0', ''])
    assert.throws(() => parseEpsilon(bad), /Expected a number between 0 and 1 for --eps but received/, bad);
});

test('the registry lists every method with what it needs, and gradient methods refuse a black box in one line', async () => {
  assert.deepEqual(ATTACK_METHOD_NAMES, ['fgsm', 'pgd', 'one-pixel', 'eot']);
  assert.deepEqual(ATTACK_METHOD_NAMES.filter((m) => !ATTACK_METHODS[m].gradient), ['one-pixel']);
  const blackBox = { ...reluNet(4, 4, 3, 1), lossGradient: null };
  const b = await batchFor(blackBox, 1, 1);
  await assert.rejects(fgsm(blackBox, b, 0.1), /fgsm needs the model's input-gradient graph/);
});
