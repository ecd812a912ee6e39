/**
 * The photo picker of every tab: a drop zone that is also a file chooser (click, keyboard, or drag
 * and drop), with a preview of the chosen photo.
 */
import { el } from './dom.ts';
import { wireDropZone } from './dropZone.ts';

export interface PhotoPicker {
  node: HTMLElement;
  /** The chosen photo, or null. */
  file(): File | null;
}

/**
 * @param prefix data-testid prefix: the input is `${prefix}-file`, the zone `${prefix}-drop`
 * @param onPick called with each newly chosen photo
 */
export function photoPicker(prefix: string, onPick: (file: File) => void, options: { preview?: boolean } = {}): PhotoPicker {
  let current: File | null = null;
  let previewUrl: string | null = null;
  const input = el('input', { type: 'file', accept: 'image/*', class: 'visually-hidden', 'aria-label': 'Photo file', 'data-testid': `${prefix}-file` });
  const name = el('span', { class: 'drop-name' }, 'No photo chosen');
  const preview = el('img', { class: 'drop-preview', alt: 'Chosen photo', hidden: true, 'data-testid': `${prefix}-preview` });
  const zone = el(
    'label',
    { class: 'drop', 'data-testid': `${prefix}-drop` },
    input,
    options.preview === false ? null : preview,
    el('span', { class: 'drop-text' }, el('strong', {}, 'Choose a photo'), ' or drop it here'),
    name,
  );

  const pick = (file: File | undefined) => {
    if (!file) return;
    current = file;
    name.textContent = `${file.name} (${Math.round(file.size / 1024)} kB)`;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    preview.hidden = false;
    onPick(file);
    // A drop is a new choice too: the form hears it as input (and clears a stale error).
    zone.dispatchEvent(new Event('input', { bubbles: true }));
  };

  // A drop may carry other files too: take its first image.
  wireDropZone(zone, input, (files, dropped) => pick(dropped ? files.find((f) => f.type.startsWith('image/')) : files[0]));
  return { node: zone, file: () => current };
}
