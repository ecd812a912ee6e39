/** The page header: the collection's name and what it holds, from `/api/info`. */
import type { Info } from './apiTypes.ts';
import { el, fmt, replace } from './dom.ts';

export function header(): { node: HTMLElement; show(info: Info): void; fail(text: string): void } {
  const name = el('span', { class: 'collection', 'data-testid': 'header-collection' }, 'loading…');
  const counts = el('p', { class: 'counts', 'data-testid': 'header-counts' });
  const docs = el('a', { class: 'api-link', href: '/openapi.json', target: '_blank', rel: 'noopener', 'data-testid': 'header-api' }, 'API');
  const node = el('header', { class: 'top' }, el('h1', {}, el('span', { class: 'brand' }, 'Deja'), name), counts, docs);
  return {
    node,
    show(info) {
      name.textContent = info.name;
      name.title = info.collection;
      document.title = `Deja · ${info.name}`;
      const n = (v: number, one: string, many = `${one}s`) => `${v.toLocaleString('en')} ${v === 1 ? one : many}`;
      replace(
        counts,
        [
          n(info.photos, 'photo'),
          `${info.geotagged.toLocaleString('en')} geotagged`,
          `${info.labelled.toLocaleString('en')} labelled (${n(info.labels.length, 'label')})`,
          n(info.duplicates, 'duplicate'),
          `encoders: ${info.encoders.map((e) => e.spec).join(', ') || 'none'}`,
          fmt.bytes(info.diskBytes),
        ].join(' · '),
      );
    },
    fail(text) {
      name.textContent = 'no collection';
      counts.textContent = text;
      counts.classList.add('error');
    },
  };
}
