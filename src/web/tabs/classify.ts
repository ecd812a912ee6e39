/** Classify: a label for a photo by its nearest labelled neighbours' votes (k-NN), shown as score bars. */
import { api } from '../api.ts';
import type { ClassifyResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, replace, select, thumb } from '../dom.ts';
import { photoPicker } from '../photoPicker.ts';
import { encoderField, figure, runButton, tabPanel, runOnSubmit, type Tab } from './common.ts';

export function classifyTab(): Tab {
  const picker = photoPicker('classify', () => undefined);
  const encoder = encoderField('classify-encoder', 'tiny');
  const k = numberInput('classify-k', 10, 1, 1000);
  const weighting = select('classify-weighting', ['kernel', 'inverse', 'uniform'], 'kernel');
  const button = runButton('classify-run', 'Classify');
  const error = errorSlot('classify-error');
  const results = el('div', { class: 'classify-results', 'data-testid': 'classify-results' });
  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Classify options' },
    picker.node,
    el('div', { class: 'options' }, encoder.field, labelled('Neighbours (k)', k), labelled('Vote weighting', weighting), button),
  );

  runOnSubmit(form, { button, error, results }, () => (picker.file() ? null : 'Choose a photo first.'), async () => {
    const file = picker.file()!;
    show(await api.classify({ photo: file, encoder: encoder.input.value.trim() || 'tiny', k: intValue(k, 10), weighting: weighting.value }));
  });

  function show(r: ClassifyResult) {
    const total = r.scores.reduce((s, x) => s + x.score, 0) || 1;
    const scores = [...r.scores].sort((a, b) => b.score - a.score);
    replace(
      results,
      el('p', { class: 'verdict', 'data-testid': 'classify-label' }, r.label === null ? 'No label: no labelled neighbours.' : el('strong', {}, r.label)),
      el('p', { class: 'summary' }, `${r.k} neighbours by ${r.encoder}${r.pca ? ` (PCA ${r.pca})` : ''}, ${r.weighting} weighting, among ${r.collectionSize} labelled photos, in ${fmt.seconds(r.seconds)}`),
      el(
        'ul',
        { class: 'bars', 'aria-label': 'Score per label' },
        ...scores.map((s) =>
          el(
            'li',
            { class: s.label === r.label ? 'bar top' : 'bar', 'data-testid': 'classify-bar', 'data-label': s.label, 'data-score': s.score },
            el('span', { class: 'bar-label' }, s.label),
            el('span', { class: 'bar-track', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': (s.score / total).toFixed(3), 'aria-label': `${s.label} score` }, el('span', { class: 'bar-fill', style: `width: ${((100 * s.score) / total).toFixed(1)}%` })),
            el('span', { class: 'bar-value' }, `${(s.score / total).toFixed(2)} · ${s.votes} vote${s.votes === 1 ? '' : 's'}`),
          ),
        ),
      ),
      el('h3', {}, 'Neighbours that voted'),
      el(
        'div',
        { class: 'results' },
        ...r.neighbours.map((n) => figure(thumb(n.thumbnail, n.name), el('span', {}, el('span', { class: 'badge' }, n.label ?? 'no label'), el('span', { class: 'distance' }, fmt.distance(n.distance)), el('span', { class: 'name' }, n.name)), 'classify-neighbour')),
      ),
    );
  }

  return { id: 'classify', title: 'Classify', node: tabPanel('classify', 'Classify', 'Label a photo by the labels of the photos most like it.', form, error.node, results) };
}
