/**
 * The picker of several photos (a trip): a drop zone that is also a file chooser with `multiple`,
 * listing what was chosen. A new choice replaces the last one; files that are not images are left
 * out and counted, since the server refuses a whole request for one of them.
 */
import { el, fmt } from './dom.ts';
import { wireDropZone } from './dropZone.ts';

export interface PhotosPicker {
  node: HTMLElement;
  /** The chosen photos, in the order given. */
  files(): File[];
}

/** @param prefix data-testid prefix: the input is `${prefix}-files`, the zone `${prefix}-drop`, the list `${prefix}-chosen` */
export function photosPicker(prefix: string): PhotosPicker {
  let current: File[] = [];
  const input = el('input', { type: 'file', accept: 'image/*', multiple: true, class: 'visually-hidden', 'aria-label': 'Photo files', 'data-testid': `${prefix}-files` });
  const status = el('span', { class: 'drop-name', 'data-testid': `${prefix}-chosen-count` }, 'No photos chosen');
  const list = el('ul', { class: 'chosen', 'aria-label': 'Chosen photos', 'data-testid': `${prefix}-chosen`, hidden: true });
  const zone = el(
    'label',
    { class: 'drop', 'data-testid': `${prefix}-drop` },
    input,
    el('span', { class: 'drop-text' }, el('strong', {}, 'Choose photos'), ' or drop them here'),
    status,
  );

  const pick = (chosen: File[]) => {
    if (chosen.length === 0) return;
    current = chosen.filter((f) => f.type.startsWith('image/'));
    const bytes = current.reduce((sum, f) => sum + f.size, 0);
    const left = chosen.length - current.length;
    status.textContent = `${current.length} photo${current.length === 1 ? '' : 's'} (${fmt.bytes(bytes)})${left ? `; ${left} file${left === 1 ? '' : 's'} that ${left === 1 ? 'is not an image' : 'are not images'} left out` : ''}`;
    list.replaceChildren(...current.map((f) => el('li', {}, f.name)));
    list.hidden = current.length === 0;
  };

  wireDropZone(zone, input, pick);
  return { node: el('div', { class: 'photos-picker' }, zone, list), files: () => current };
}
