/**
 * Method menus filled from the server's method registries (`GET /api/methods`), so a method added on
 * the server shows up here with no change to the page.
 */
import type { MethodInfo } from '../core/methodRegistry.ts';
import type { MethodMenu, MethodMenus } from '../actions/methods.ts';
import { api } from './api.ts';
import { el } from './dom.ts';

let menus: Promise<MethodMenus> | null = null;

/** The server's method menus, asked for once per page. */
export function methodMenus(): Promise<MethodMenus> {
  menus ??= api.methods();
  return menus;
}

/**
 * A `<select>` of one capability's methods: it holds `fallback` at once and is filled (names, with the
 * one-line description as tooltip, the server's default selected) when the menus arrive.
 * @param onMenu called with the capability's menu once it is shown
 */
export function methodSelect<M extends MethodInfo>(testid: string, pick: (m: MethodMenus) => MethodMenu<M>, fallback: string, onMenu?: (menu: MethodMenu<M>) => void): HTMLSelectElement {
  const s = el('select', { 'data-testid': testid, 'aria-busy': 'true' }, el('option', { value: fallback, selected: true }, fallback));
  void methodMenus()
    .then((all) => {
      const menu = pick(all);
      const chosen = s.value !== fallback && menu.methods.some((m) => m.name === s.value) ? s.value : menu.default;
      s.replaceChildren(...menu.methods.map((m) => el('option', { value: m.name, title: m.description, selected: m.name === chosen }, m.name)));
      s.value = chosen;
      s.title = menu.methods.find((m) => m.name === chosen)?.description ?? '';
      s.addEventListener('change', () => (s.title = menu.methods.find((m) => m.name === s.value)?.description ?? ''));
      onMenu?.(menu);
    })
    .catch(() => undefined) // the fallback stays; the tab's own requests report a server that is down
    .finally(() => s.removeAttribute('aria-busy'));
  return s;
}
