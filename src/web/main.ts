/**
 * The page: a header with the collection's counts and one tab per task. The open tab lives in the
 * URL's hash (`#locate`), so reloads and links keep it.
 */
import './style.css';
import { api, errorLine } from './api.ts';
import { el } from './dom.ts';
import { header } from './header.ts';
import { attackTab } from './tabs/attack.ts';
import { browseTab } from './tabs/browse.ts';
import { classifyTab } from './tabs/classify.ts';
import { colorizeTab } from './tabs/colorize.ts';
import { fillEncoderMenus, type Tab, type TabId } from './tabs/common.ts';
import { completeTab } from './tabs/complete.ts';
import { locateTab } from './tabs/locate.ts';
import { reconstructTab } from './tabs/reconstruct.ts';
import { searchTab } from './tabs/search.ts';

const top = header();
const search = searchTab();
const tabs: Tab[] = [
  search,
  completeTab(),
  locateTab(),
  colorizeTab(),
  classifyTab(),
  attackTab(),
  reconstructTab(),
  browseTab((photo) => {
    open('search');
    void search.searchPhotoId(photo.id, photo.name);
  }),
];

const buttons = tabs.map((t) =>
  el('button', { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, 'aria-selected': 'false', tabindex: -1, 'data-testid': `tab-${t.id}` }, t.title),
);
const tablist = el('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Tasks' }, ...buttons);

function open(id: TabId, focus = false): void {
  tabs.forEach((t, i) => {
    const on = t.id === id;
    t.node.hidden = !on;
    buttons[i].setAttribute('aria-selected', String(on));
    buttons[i].tabIndex = on ? 0 : -1;
    if (on && focus) buttons[i].focus();
  });
  if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
  tabs.find((t) => t.id === id)?.shown?.();
}

buttons.forEach((b, i) => {
  b.addEventListener('click', () => open(tabs[i].id));
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  b.addEventListener('keydown', (e) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step) open(tabs[(i + step + tabs.length) % tabs.length].id, true);
  });
});

const fromHash = (): TabId => {
  const id = location.hash.slice(1);
  return (tabs.find((t) => t.id === id)?.id ?? 'search') as TabId;
};
window.addEventListener('hashchange', () => open(fromHash()));

document.body.append(top.node, tablist, el('main', {}, ...tabs.map((t) => t.node)));
open(fromHash());

api.info().then(
  (info) => {
    top.show(info);
    fillEncoderMenus(info);
    followIngest(info.photos);
  },
  (err) => top.fail(errorLine(err)),
);

/**
 * Polls the distributed ingest's progress while the server has a queue (`deja serve --queue`): every 3 s
 * while jobs run, every 15 s otherwise; the header's counts refresh whenever the photo count moves.
 */
function followIngest(photos: number): void {
  const poll = () =>
    api.ingest().then(
      (p) => {
        top.showIngest(p);
        if (p.state === 'off') return;
        if (p.photos !== photos) {
          photos = p.photos;
          api.info().then((info) => top.show(info), () => {});
        }
        setTimeout(poll, p.state === 'running' ? 3000 : 15000);
      },
      () => setTimeout(poll, 15000),
    );
  void poll();
}
