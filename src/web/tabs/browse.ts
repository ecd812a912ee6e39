/**
 * Browse: the collection page by page (48 photos a page) with each photo's label and GPS, and a map
 * of every geotagged photo. Clicking a photo searches by it.
 */
import { api, errorLine } from '../api.ts';
import type { PhotoPage, PhotoSummary } from '../apiTypes.ts';
import { el, errorSlot, fmt, replace, thumb } from '../dom.ts';
import { worldMap } from '../worldMap.ts';
import { tabPanel, type Tab } from './common.ts';

export const PAGE_SIZE = 48;

export function browseTab(onPick: (photo: PhotoSummary) => void): Tab {
  let page = 0;
  let pages = 1;
  let loaded = false;
  const error = errorSlot('browse-error');
  const prev = el('button', { type: 'button', disabled: true, 'aria-label': 'Previous page', 'data-testid': 'browse-prev' }, '← Prev');
  const next = el('button', { type: 'button', disabled: true, 'aria-label': 'Next page', 'data-testid': 'browse-next' }, 'Next →');
  const where = el('span', { class: 'page-of', 'aria-live': 'polite', 'data-testid': 'browse-page' });
  const grid = el('div', { class: 'results', 'data-testid': 'browse-grid' });
  const mapBox = el('div', { class: 'map-box', 'data-testid': 'browse-map-box' });
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, where, next);

  async function load(to: number) {
    error.clear();
    prev.disabled = next.disabled = true;
    try {
      const r = await api.photos(to * PAGE_SIZE, PAGE_SIZE);
      page = to;
      pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
      showPage(r);
    } catch (err) {
      error.show(errorLine(err));
    } finally {
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
  }

  function showPage(r: PhotoPage) {
    where.textContent = `page ${page + 1} of ${pages} · ${r.total} photos`;
    replace(grid, ...r.photos.map((p) => photoTile(p, onPick)));
  }

  async function loadMap() {
    try {
      const { photos } = await api.geo();
      const points = photos.map((p) => ({ ...p, kind: 'photo' as const, title: `photo ${p.id}: ${fmt.latLon(p.latitude, p.longitude)}` }));
      replace(mapBox, el('h3', {}, `${photos.length} geotagged photos`), worldMap(points, { fit: 'world', label: 'Map of the geotagged photos', testid: 'browse-map' }));
    } catch (err) {
      error.show(errorLine(err));
    }
  }

  prev.addEventListener('click', () => void load(page - 1));
  next.addEventListener('click', () => void load(page + 1));
  return {
    id: 'browse',
    title: 'Browse',
    node: tabPanel('browse', 'Browse', 'The photos of the collection. Click one to search by it.', error.node, pager, grid, mapBox),
    shown() {
      if (loaded) return;
      loaded = true;
      void load(0);
      void loadMap();
    },
  };
}

function photoTile(p: PhotoSummary, onPick: (photo: PhotoSummary) => void): HTMLElement {
  const gps = p.latitude !== null && p.longitude !== null ? fmt.latLon(p.latitude, p.longitude, 2) : 'no GPS';
  const button = el('button', { type: 'button', class: 'tile-button', title: `Search by ${p.name}`, 'aria-label': `Search by ${p.name}`, 'data-testid': 'browse-photo', 'data-id': p.id }, thumb(p.thumbnail, p.name));
  button.addEventListener('click', () => onPick(p));
  return el(
    'figure',
    { class: 'tile' },
    button,
    el('figcaption', {}, p.label ? el('span', { class: 'badge' }, p.label) : null, el('span', { class: 'name' }, p.name), el('span', { class: p.latitude === null ? 'where none' : 'where' }, gps)),
  );
}
