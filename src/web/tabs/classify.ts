/**
 * Classify: a label for a photo by its nearest labelled neighbours' votes (k-NN, label transfer), or by a
 * classification network of the server's manifest; shown as score bars.
 */
import { api } from '../api.ts';
import type { ClassifyResult, ModelClassifyResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, replace, select, thumb } from '../dom.ts';
import { classifierSelect } from '../modelSelect.ts';
import { photoPicker } from '../photoPicker.ts';
import { probabilityBars, scoreBars } from '../scoreBars.ts';
import { encoderField, figure, runButton, tabPanel, runOnSubmit, type Tab } from './common.ts';

/** Classes a network's answer shows. */
const MODEL_TOP = 5;

export function classifyTab(): Tab {
  const picker = photoPicker('classify', () => undefined);
  const model = classifierSelect('classify-model', { first: 'label transfer (kNN)' });
  const encoder = encoderField('classify-encoder', 'tiny');
  const k = numberInput('classify-k', 10, 1, 1000);
  const weighting = select('classify-weighting', ['kernel', 'inverse', 'uniform'], 'kernel');
  // The k-NN vote's own options: a network takes none of them.
  const knnFields = [encoder.field, labelled('Neighbours (k)', k), labelled('Vote weighting', weighting)];
  model.addEventListener('change', () => knnFields.forEach((f) => (f.hidden = model.value !== '')));
  const button = runButton('classify-run', 'Classify');
  const error = errorSlot('classify-error');
  const results = el('div', { class: 'classify-results', 'data-testid': 'classify-results' });
  const form = el('form', { class: 'controls', 'aria-label': 'Classify options' }, picker.node, el('div', { class: 'options' }, labelled('Model', model), ...knnFields, button));

  runOnSubmit(form, { button, error, results }, () => (picker.file() ? null : 'Choose a photo first.'), async () => {
    const file = picker.file()!;
    if (model.value) showModel(await api.classifyByModel({ photo: file, model: model.value, top: MODEL_TOP }));
    else showVote(await api.classify({ photo: file, encoder: encoder.input.value.trim() || 'tiny', k: intValue(k, 10), weighting: weighting.value }));
  });

  function showModel(r: ModelClassifyResult) {
    replace(
      results,
      el('p', { class: 'verdict', 'data-testid': 'classify-label' }, el('strong', {}, r.label)),
      el('p', { class: 'summary', 'data-testid': 'classify-summary' }, `By the network ${r.model}: its ${r.scores.length} most probable of ${r.classes} classes (softmax probabilities), in ${fmt.seconds(r.seconds)}`),
      scoreBars(probabilityBars(r.scores), r.label, 'classify-bar', 'Probability per class'),
    );
  }

  function showVote(r: ClassifyResult) {
    const total = r.scores.reduce((s, x) => s + x.score, 0) || 1;
    const bars = [...r.scores]
      .sort((a, b) => b.score - a.score)
      .map((s) => ({ label: s.label, share: s.score / total, score: s.score, value: `${(s.score / total).toFixed(2)} · ${s.votes} vote${s.votes === 1 ? '' : 's'}` }));
    replace(
      results,
      el('p', { class: 'verdict', 'data-testid': 'classify-label' }, r.label === null ? 'No label: no labelled neighbours.' : el('strong', {}, r.label)),
      el('p', { class: 'summary', 'data-testid': 'classify-summary' }, `${r.k} neighbours by ${r.encoder}${r.pca ? ` (PCA ${r.pca})` : ''}, ${r.weighting} weighting, among ${r.collectionSize} labelled photos, in ${fmt.seconds(r.seconds)}`),
      scoreBars(bars, r.label, 'classify-bar', 'Score per label'),
      el('h3', {}, 'Neighbours that voted'),
      el(
        'div',
        { class: 'results' },
        ...r.neighbours.map((n) => figure(thumb(n.thumbnail, n.name), el('span', {}, el('span', { class: 'badge' }, n.label ?? 'no label'), el('span', { class: 'distance' }, fmt.distance(n.distance)), el('span', { class: 'name' }, n.name)), 'classify-neighbour')),
      ),
    );
  }

  return {
    id: 'classify',
    title: 'Classify',
    node: tabPanel('classify', 'Classify', 'Label a photo by the labels of the photos most like it, or by a classification network.', form, error.node, results),
  };
}
