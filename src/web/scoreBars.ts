/** Score bars: one row per label with its share drawn as a bar, the top one marked (Classify, Attack). */
import { el } from './dom.ts';

export interface ScoreBar {
  label: string;
  /** Drawn as the bar's length, 0 … 1. */
  share: number;
  /** The raw score, kept in `data-score` for tests and tools. */
  score: number;
  /** The text beside the bar (`0.42 · 3 votes`, `41.8 %`). */
  value: string;
}

/**
 * @param top the label to mark (the verdict), or null
 * @param testid data-testid of each row; the row also carries `data-label` and `data-score`
 */
export function scoreBars(bars: readonly ScoreBar[], top: string | null, testid: string, ariaLabel: string): HTMLUListElement {
  return el(
    'ul',
    { class: 'bars', 'aria-label': ariaLabel },
    ...bars.map((b) =>
      el(
        'li',
        { class: b.label === top ? 'bar top' : 'bar', 'data-testid': testid, 'data-label': b.label, 'data-score': b.score },
        el('span', { class: 'bar-label' }, b.label),
        el(
          'span',
          { class: 'bar-track', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': b.share.toFixed(3), 'aria-label': `${b.label} score` },
          el('span', { class: 'bar-fill', style: `width: ${(100 * b.share).toFixed(1)}%` }),
        ),
        el('span', { class: 'bar-value' }, b.value),
      ),
    ),
  );
}

/** Softmax probabilities as bars: the `n` most probable, best first, each as a percentage. */
export function probabilityBars(scores: readonly { label: string; score: number }[], n = scores.length): ScoreBar[] {
  return [...scores]
    .sort((a, b) => b.score - a.score)
    .slice(0, n)
    .map((s) => ({ label: s.label, share: s.score, score: s.score, value: `${(100 * s.score).toFixed(1)} %` }));
}
