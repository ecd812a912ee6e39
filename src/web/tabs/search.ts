/** Search: the nearest photos of the collection to a query photo, as a grid with distances. */
import { api, errorLine, type FormFields } from '../api.ts';
import type { SearchResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, replace, thumb } from '../dom.ts';
import { photoPicker } from '../photoPicker.ts';
import { fileName, viewable } from '../viewer.ts';
import { clearErrorOnInput, encoderField, figure, runButton, tabPanel, whileBusy, type Tab } from './common.ts';

export interface SearchTab extends Tab {
  /** Searches by a photo of the collection (Browse sends its clicks here). */
  searchPhotoId(id: number, name: string): Promise<void>;
}

type Query = { file: File; url: string } | { id: number; name: string };

export function searchTab(): SearchTab {
  let query: Query | null = null;
  let latest = 0; // a newer search replaces an older one still under way
  const picker = photoPicker('search', (file) => setQuery({ file, url: URL.createObjectURL(file) }));
  const encoder = encoderField('search-encoder', 'gist');
  const k = numberInput('search-k', 10, 1, 200);
  const mirror = el('input', { type: 'checkbox', checked: true, 'data-testid': 'search-mirror' });
  const button = runButton('search-run', 'Search');
  const error = errorSlot('search-error');
  const summary = el('p', { class: 'summary', 'data-testid': 'search-summary' });
  const results = el('div', { class: 'results', 'data-testid': 'search-results' });
  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Search options' },
    picker.node,
    el('div', { class: 'options' }, encoder.field, labelled('Neighbours (k)', k), el('label', { class: 'check' }, mirror, ' also match mirrored'), button),
  );

  clearErrorOnInput(form, error);

  function setQuery(q: Query) {
    if (query && 'url' in query) URL.revokeObjectURL(query.url);
    query = q;
  }

  function run(): Promise<void> {
    if (!query) {
      error.show('Choose a photo first.');
      return Promise.resolve();
    }
    const q = query;
    const fields: FormFields = { encoder: encoder.input.value.trim() || 'gist', k: intValue(k, 10), mirror: mirror.checked };
    if ('file' in q) fields.photo = q.file;
    else fields.photoId = q.id;
    const ticket = ++latest;
    return whileBusy(
      button,
      async () => {
        error.clear();
        summary.textContent = 'Searching…';
        const r = await api.search(fields);
        if (ticket === latest) show(r, q);
      },
      (err) => {
        if (ticket !== latest) return;
        summary.textContent = '';
        replace(results);
        error.show(errorLine(err));
      },
    );
  }

  function show(r: SearchResult, q: Query) {
    const [src, name] = 'file' in q ? [q.url, q.file.name] : [api.thumbnail(q.id), q.name];
    summary.textContent = `${r.results.length} nearest by ${r.encoder}, in ${fmt.seconds(r.seconds)}`;
    const queryTile = figure(thumb(src, `Query: ${name}`, 'search-query-image'), el('span', {}, el('strong', {}, 'Query '), el('span', { class: 'name' }, name)), 'search-query');
    queryTile.classList.add('query');
    replace(results, queryTile, ...r.results.map((h, i) => hitTile(h, i + 1)));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  return {
    id: 'search',
    title: 'Search',
    node: tabPanel('search', 'Search', 'Find the photos of the collection that look most like yours.', form, error.node, summary, results),
    searchPhotoId(id, name) {
      setQuery({ id, name });
      return run();
    },
  };
}

function hitTile(h: SearchResult['results'][number], rank: number): HTMLElement {
  const view = () => ({
    src: api.original(h.id),
    fallbackSrc: api.thumbnail(h.id, 1024),
    title: `#${rank} ${h.name}`,
    facts: [
      ['Distance', fmt.distance(h.distance)] as [string, string],
      ['Matched', h.mirrored ? 'as a mirror image' : 'as is'] as [string, string],
      ['Photo', `${h.path} (id ${h.id})`] as [string, string],
    ],
    download: { href: api.original(h.id), name: fileName(h.name) },
  });
  return figure(
    viewable(thumb(h.thumbnail, h.name), view),
    el(
      'span',
      {},
      el('span', { class: 'rank' }, `#${rank} `),
      el('span', { class: 'distance', title: 'descriptor distance', 'data-testid': 'search-distance', 'data-distance': h.distance }, fmt.distance(h.distance)),
      h.mirrored ? el('span', { class: 'badge', title: 'matched as a mirror image', 'data-testid': 'search-mirrored' }, 'mirrored') : null,
      el('span', { class: 'name' }, h.name),
    ),
    'search-result',
  );
}
