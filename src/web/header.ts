/**
 * The page header: the collection's name, how many photos it holds and what it can do with them
 * (from `/api/info`). The encoder list and the bytes on disk are in the API's /api/info, not here.
 */
import type { Info, IngestProgress } from './apiTypes.ts';
import { el, replace } from './dom.ts';

/** One task the page offers, and whether this collection can serve it (and if not, why). */
export interface Capability {
  tab: string;
  title: string;
  ready: boolean;
  why: string;
}

/** What the collection can do, from its counts and stored descriptors. */
export function capabilities(info: Info): Capability[] {
  const has = (spec: string) => info.encoders.some((e) => e.spec === spec && e.rows > 0);
  const any = info.encoders.some((e) => e.rows > 0);
  const needs = (ok: boolean, yes: string, no: string) => ({ ready: ok, why: ok ? yes : no });
  return [
    { tab: 'search', title: 'Search', ...needs(any, 'find similar photos', 'no descriptors: run deja index') },
    { tab: 'complete', title: 'Complete', ...needs(has('gist'), 'fill holes from similar scenes (diffusion and texture work anyway)', 'scene completion needs gist descriptors') },
    { tab: 'locate', title: 'Locate', ...needs(info.geotagged > 0 && any, `guess where a photo was taken from ${info.geotagged.toLocaleString('en')} geotagged photos`, 'no geotagged photos') },
    { tab: 'colorize', title: 'Colorize', ...needs(has('tiny-gray'), 'colour black-and-white photos', 'needs tiny-gray descriptors: deja index --encoders tiny-gray') },
    { tab: 'classify', title: 'Classify', ...needs(info.labelled > 0 && any, `label photos with ${info.labels.length.toLocaleString('en')} labels`, 'no labelled photos') },
  ];
}

/**
 * The header's line about a distributed ingest (`deja serve --queue`), or null when there is nothing to
 * say (no queue configured, or the collection never used one).
 */
export function ingestLine(p: IngestProgress): string | null {
  const n = (v: number) => v.toLocaleString('en');
  if (p.state === 'off' || p.state === 'unused') return null;
  if (p.state === 'unreachable') return `ingest queue: ${p.message ?? 'Redis does not answer'}`;
  const parts = [p.state === 'running' ? 'ingesting' : 'ingest idle', `${n(p.waiting + p.delayed)} waiting`, `${n(p.active)} encoding`];
  if (p.completed) parts.push(`${n(p.completed)} to commit`);
  if (p.failed) parts.push(`${n(p.failed)} failed`);
  parts.push(p.workers === 1 ? '1 worker' : `${n(p.workers)} workers`);
  if (p.state === 'running' && p.workers === 0) parts.push('start one with `deja worker --queue <url>`');
  return parts.join(' · ');
}

export function header(): { node: HTMLElement; show(info: Info): void; showIngest(p: IngestProgress): void; fail(text: string): void } {
  const name = el('span', { class: 'collection', 'data-testid': 'header-collection' }, 'loading…');
  const counts = el('p', { class: 'counts', 'data-testid': 'header-counts' });
  const can = el('ul', { class: 'can', 'aria-label': 'What this collection can do', 'data-testid': 'header-can' });
  const docs = el('a', { class: 'api-link', href: '/openapi.json', target: '_blank', rel: 'noopener', 'data-testid': 'header-api' }, 'API');
  const ingest = el('p', { class: 'ingest', 'data-testid': 'header-ingest', hidden: true });
  const node = el('header', { class: 'top' }, el('h1', {}, el('span', { class: 'brand' }, 'Deja'), name), counts, ingest, can, docs);
  return {
    node,
    show(info) {
      name.textContent = info.name;
      name.title = info.collection;
      document.title = `Deja · ${info.name}`;
      const n = (v: number, one: string, many = `${one}s`) => `${v.toLocaleString('en')} ${v === 1 ? one : many}`;
      const parts = [n(info.photos, 'photo')];
      if (info.geotagged) parts.push(info.geotagged === info.photos ? 'all geotagged' : `${info.geotagged.toLocaleString('en')} geotagged`);
      if (info.labelled) parts.push(`${info.labelled === info.photos ? 'all' : info.labelled.toLocaleString('en')} labelled (${n(info.labels.length, 'label')})`);
      replace(counts, parts.join(' · '));
      replace(
        can,
        ...capabilities(info).map((c) =>
          el('li', { class: c.ready ? 'ready' : 'missing', title: c.why, 'data-testid': 'header-capability', 'data-tab': c.tab, 'data-ready': String(c.ready) }, el('a', { href: `#${c.tab}` }, c.title)),
        ),
      );
    },
    showIngest(p) {
      const line = ingestLine(p);
      ingest.hidden = line === null;
      ingest.dataset.state = p.state;
      ingest.classList.toggle('error', p.state === 'unreachable');
      replace(ingest, line ?? '');
    },
    fail(text) {
      name.textContent = 'no collection';
      counts.textContent = text;
      counts.classList.add('error');
    },
  };
}
