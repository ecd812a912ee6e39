import { assert } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';

/**
 * A seeded stratified split of labelled rows: in every class, a seeded shuffle of its rows, and the
 * first round(fraction · count) of them (at least one when the class has two or more) are held out.
 * @param labels class index per row
 * @param fraction share of each class held out, in (0, 1)
 * @param seed seed of the shuffles
 * @returns the kept and the held-out row indices, each in increasing order
 * @example stratifiedSplit(Int32Array.of(0, 0, 1, 1), 0.5, 1) // one row of each class held out
 */
export function stratifiedSplit(labels: Int32Array, fraction: number, seed: number): { kept: Int32Array; heldOut: Int32Array } {
  assert(fraction > 0 && fraction < 1, `held-out fraction ${fraction}`);
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  });
  const rng = new Rng(seed);
  const out = new Uint8Array(labels.length);
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byClass.get(c)!);
    const take = list.length < 2 ? 0 : Math.max(1, Math.round(fraction * list.length));
    for (let i = 0; i < take; i++) out[list[i]] = 1;
  }
  const kept: number[] = [];
  const heldOut: number[] = [];
  out.forEach((h, i) => (h ? heldOut : kept).push(i));
  return { kept: Int32Array.from(kept), heldOut: Int32Array.from(heldOut) };
}
