/**
 * Model menus filled from the server's manifest (`GET /api/models`): the classification models a
 * request may name, so a model added to the manifest shows up here with no change to the page.
 */
import type { ModelList } from './apiTypes.ts';
import { api } from './api.ts';
import { el } from './dom.ts';

let list: Promise<ModelList> | null = null;

/** The server's models, asked for once per page. */
export function modelList(): Promise<ModelList> {
  list ??= api.models();
  return list;
}

/**
 * A `<select>` of the server's classification models, filled when the list arrives. Each option carries
 * `data-gradient` (whether the model has an input-gradient graph) and the card's data as its tooltip.
 * @param options `first`: an option before the models (value ''), e.g. the k-NN vote; `marksGradient`:
 *   label the models without an input-gradient graph; `onList`: called with the list once it is shown
 */
export function classifierSelect(testid: string, options: { first?: string; marksGradient?: boolean; onList?: (list: ModelList) => void } = {}): HTMLSelectElement {
  const s = el('select', { 'data-testid': testid, 'aria-busy': 'true' }, options.first ? el('option', { value: '', selected: true }, options.first) : null);
  const none = () => s.append(el('option', { value: '', disabled: true }, 'no classification model on this server'));
  void modelList()
    .then((models) => {
      const cards = new Map(models.models.map((m) => [m.name, m]));
      for (const name of models.classifiers) {
        const gradient = models.classifiersWithGradient.includes(name);
        const card = cards.get(name);
        const text = options.marksGradient && !gradient ? `${name} (no gradient graph)` : name;
        const title = [card?.data, card?.classes ? `${card.classes.length} classes` : '', card && !card.trained ? 'untrained test model' : ''].filter(Boolean).join(' · ');
        s.append(el('option', { value: name, 'data-gradient': String(gradient), title }, text));
      }
      if (!models.classifiers.length && !options.first) none();
      if (!options.first && models.classifiers.length) s.value = models.classifiers[0];
      options.onList?.(models);
    })
    .catch(() => {
      if (!options.first) none(); // the tab's own request reports a server that is down
    })
    .finally(() => s.removeAttribute('aria-busy'));
  return s;
}
