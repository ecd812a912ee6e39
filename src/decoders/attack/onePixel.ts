import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { softmaxRows } from '../recognize/networkClassifier.ts';
import { argmaxClasses, isAdversarial, type AttackBatch, type AttackModel } from './attackModel.ts';

/** Options of the one-pixel attack; the defaults are Su et al.'s (§3.1, §4). */
export interface OnePixelOptions {
  /** Pixels changed, k (the paper: 1, 3 and 5). */
  pixels: number;
  /** Candidate solutions per generation (400). */
  population?: number;
  /** Generations at most (100); the search stops early once an image is adversarial. */
  iterations?: number;
  /** Scale F of the difference vector (0.5). */
  scale?: number;
  seed?: number;
}

/** The adversarial images and, per image, the images the model scored (population × generations run). */
export interface OnePixelResult {
  adversarial: Float32Array;
  queries: Int32Array;
}

/**
 * The one-pixel attack, a black box: differential evolution over k pixel changes (x, y and a colour each),
 * scored through the model's ordinary logits, the whole population in one batch per generation.
 *
 * 1. Initialise `population` candidates: x, y uniform over the image, colours from N(128, 127) / 255
 *    clipped to [0, 1] (the paper's initialisation).
 * 2. Fitness: the softmax probability of the label (untargeted, minimised) or minus that of the target.
 * 3. Each generation, DE/rand/1 with no crossover: child i = a + F (b − c) for three distinct other
 *    candidates a, b, c; coordinates and colours clipped to their ranges; a child replaces its parent
 *    when its fitness is better.
 * 4. Stop as soon as a candidate is adversarial (another class than the label, or the target), or after
 *    `iterations` generations; return the best candidate.
 * Changed pixels take 8-bit values, so the result is exactly what a PNG holds.
 * @param batch clean images in [0, 1] (planar, `n * model.values`), their labels, optional targets
 * @returns images that differ from the clean ones in at most `pixels` pixels each, and the queries per image
 * @example const { adversarial } = await onePixel(model, batch, { pixels: 1 });
 *
 * References: Su, Vargas & Sakurai, "One Pixel Attack for Fooling Deep Neural Networks", IEEE
 * Transactions on Evolutionary Computation 23(5), 2019, §3 (eq. 2: DE/rand/1, F = 0.5; population 400,
 * at most 100 iterations, early stop); Storn & Price, "Differential Evolution", J. Global Optimization 11, 1997.
 */
export async function onePixel(model: AttackModel, batch: AttackBatch, options: OnePixelOptions): Promise<OnePixelResult> {
  const adversarial = Float32Array.from(batch.images);
  const queries = new Int32Array(batch.n);
  const rng = new Rng(options.seed ?? 1);
  for (let i = 0; i < batch.n; i++) {
    const V = model.values;
    const r = await evolveImage(model, batch, i, options, rng);
    adversarial.set(r.image, i * V);
    queries[i] = r.queries;
  }
  return { adversarial, queries };
}

async function evolveImage(model: AttackModel, batch: AttackBatch, i: number, o: OnePixelOptions, rng: Rng): Promise<{ image: Float32Array; queries: number }> {
  const { size: S, channels: C, values: V, classes: K } = model;
  const P = o.population ?? 400;
  const F = o.scale ?? 0.5;
  const D = o.pixels * (2 + C);
  assert(P >= 4 && o.pixels >= 1, 'one-pixel: population ≥ 4, pixels ≥ 1');
  const clean = batch.images.subarray(i * V, (i + 1) * V);
  const label = batch.labels[i];
  const target = batch.targets ? batch.targets[i] : -1;
  const one: AttackBatch = { images: clean, n: 1, labels: Int32Array.of(label), targets: batch.targets ? Int32Array.of(target) : null };
  const clip = (d: number, v: number) => (d % (2 + C) < 2 ? Math.min(S - 1e-6, Math.max(0, v)) : Math.min(1, Math.max(0, v)));
  const population = new Float64Array(P * D);
  for (let p = 0; p < P; p++)
    for (let d = 0; d < D; d++) population[p * D + d] = clip(d, d % (2 + C) < 2 ? rng.next() * S : (128 + 127 * rng.normal()) / 255);
  const render = (cands: Float64Array, count: number) => {
    const out = new Float32Array(count * V);
    for (let p = 0; p < count; p++) {
      out.set(clean, p * V);
      for (let j = 0; j < o.pixels; j++) {
        const base = p * D + j * (2 + C);
        const x = Math.floor(cands[base]);
        const y = Math.floor(cands[base + 1]);
        for (let ch = 0; ch < C; ch++) out[p * V + ch * S * S + y * S + x] = Math.round(255 * cands[base + 2 + ch]) / 255;
      }
    }
    return out;
  };
  const score = async (cands: Float64Array) => {
    const images = render(cands, P);
    const logits = await model.logits(images, P);
    const prob = softmaxRows(logits, P, K);
    const fitness = Float64Array.from({ length: P }, (_, p) => (target >= 0 ? -prob[p * K + target] : prob[p * K + label]));
    return { images, fitness, predicted: argmaxClasses(logits, P, K) };
  };
  let queries = P;
  let current = await score(population);
  const done = (s: typeof current) => {
    let hit = -1;
    for (let p = 0; p < P; p++) if (isAdversarial(one, 0, s.predicted[p]) && (hit < 0 || s.fitness[p] < s.fitness[hit])) hit = p;
    return hit;
  };
  let hit = done(current);
  for (let g = 0; g < (o.iterations ?? 100) && hit < 0; g++) {
    const children = new Float64Array(P * D);
    for (let p = 0; p < P; p++) {
      const [a, b, c] = threeOthers(p, P, rng);
      for (let d = 0; d < D; d++) children[p * D + d] = clip(d, population[a * D + d] + F * (population[b * D + d] - population[c * D + d]));
    }
    const next = await score(children);
    queries += P;
    for (let p = 0; p < P; p++)
      if (next.fitness[p] < current.fitness[p]) {
        population.set(children.subarray(p * D, (p + 1) * D), p * D);
        current.fitness[p] = next.fitness[p];
        current.predicted[p] = next.predicted[p];
        current.images.set(next.images.subarray(p * V, (p + 1) * V), p * V);
      }
    hit = done(current);
  }
  let best = hit;
  if (best < 0) {
    best = 0;
    for (let p = 1; p < P; p++) if (current.fitness[p] < current.fitness[best]) best = p;
  }
  return { image: current.images.slice(best * V, (best + 1) * V), queries };
}

/** Three distinct indices in [0, P), none of them `p`. */
function threeOthers(p: number, P: number, rng: Rng): [number, number, number] {
  const picked: number[] = [];
  while (picked.length < 3) {
    const r = rng.int(P);
    if (r !== p && !picked.includes(r)) picked.push(r);
  }
  return picked as [number, number, number];
}
