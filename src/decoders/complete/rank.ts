import { medianOf } from './sceneMatch.ts';

/** The raw cost terms of one candidate completion. */
export interface CostTerms {
  /** Scene-matching distance (combined masked gist + colour). */
  scene: number;
  /** Context-matching cost: L*a*b* SSD + λ·texture SSD per band pixel. */
  context: number;
  /** Graph-cut cost of the seam. */
  seam: number;
}

export interface RankedCandidate<T> {
  item: T;
  terms: CostTerms;
  /** Each term divided by its median over all candidates. */
  normalised: CostTerms;
  /** Σ weight · normalised term (lower is better). */
  score: number;
}

/**
 * Ranking of scene completion (Hays & Efros 2007, §6): score = scene-matching distance + context-matching
 * distance + graph-cut cost, each normalised (here by its median over the candidates, so the three
 * terms are unit-free and comparable), ascending.
 * @param weights relative weights of the three terms (default 1, 1, 1)
 * @example rankCompletions(cands.map((c) => ({ item: c, terms: c.terms }))).slice(0, 20)
 */
export function rankCompletions<T>(candidates: { item: T; terms: CostTerms }[], weights: CostTerms = { scene: 1, context: 1, seam: 1 }): RankedCandidate<T>[] {
  const keys = ['scene', 'context', 'seam'] as const;
  const scale = Object.fromEntries(keys.map((k) => [k, medianOf(candidates.map((c) => c.terms[k])) || 1])) as Record<(typeof keys)[number], number>;
  const ranked = candidates.map((c) => {
    const normalised = { scene: c.terms.scene / scale.scene, context: c.terms.context / scale.context, seam: c.terms.seam / scale.seam };
    const score = weights.scene * normalised.scene + weights.context * normalised.context + weights.seam * normalised.seam;
    return { item: c.item, terms: c.terms, normalised, score };
  });
  return ranked.sort((a, b) => a.score - b.score);
}
