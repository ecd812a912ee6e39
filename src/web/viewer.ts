/**
 * The photo viewer: a result opened full size in a modal dialog, with what is known about it and a
 * download. One dialog serves the whole page; Escape, the close button or a click beside the photo
 * closes it.
 */
import { el, replace } from './dom.ts';

export interface PhotoView {
  /** The image shown, as large as the server gives it (a collection photo: its own file, full size). */
  src: string;
  /** Shown instead when the browser cannot show `src` (a TIFF or HEIC original): a large JPEG of it. */
  fallbackSrc?: string;
  title: string;
  /** Label and value rows under the photo (distance, GPS, source...). */
  facts: [string, string][];
  /** What the download link saves, under which file name. */
  download: { href: string; name: string };
}

let dialog: HTMLDialogElement | null = null;

function viewerDialog(): HTMLDialogElement {
  if (dialog) return dialog;
  const d = el('dialog', { class: 'viewer', 'aria-label': 'Photo', 'data-testid': 'viewer' });
  d.addEventListener('click', (e) => {
    if (e.target === d) d.close(); // the backdrop, not the photo or its details
  });
  document.body.append(d);
  dialog = d;
  return d;
}

/** Opens the viewer on one photo. */
export function openPhoto(view: PhotoView): void {
  const d = viewerDialog();
  const close = el('button', { type: 'button', class: 'viewer-close', 'aria-label': 'Close', 'data-testid': 'viewer-close' }, '×');
  close.addEventListener('click', () => d.close());
  replace(
    d,
    el('div', { class: 'viewer-head' }, el('h3', { 'data-testid': 'viewer-title' }, view.title), close),
    viewerImage(view),
    el('dl', { class: 'viewer-facts', 'data-testid': 'viewer-facts' }, ...view.facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    el('a', { href: view.download.href, download: view.download.name, class: 'button primary', 'data-testid': 'viewer-download' }, `Download ${view.download.name}`),
  );
  if (!d.open) d.showModal();
}

/** The viewer's image; one the browser cannot show is replaced by its fallback, once. */
function viewerImage(view: PhotoView): HTMLImageElement {
  const img = el('img', { src: view.src, alt: view.title, class: 'viewer-image', 'data-testid': 'viewer-image' });
  const fallback = view.fallbackSrc;
  if (fallback)
    img.addEventListener('error', () => {
      if (img.getAttribute('src') !== fallback) img.setAttribute('src', fallback);
    });
  return img;
}

/** Makes an image open the viewer when clicked (a button around it, so the keyboard reaches it too). */
export function viewable(img: HTMLImageElement, view: () => PhotoView): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'tile-button', title: 'Open full size', 'data-testid': 'open-photo' }, img);
  button.addEventListener('click', () => openPhoto(view()));
  return button;
}

/** A download link beside a result. */
export function downloadLink(href: string, name: string, testid: string): HTMLAnchorElement {
  return el('a', { href, download: name, class: 'download', 'data-testid': testid }, 'Download');
}

/** The file name a photo saves under: its own name, or `fallback` for generated images. */
export function fileName(name: string, fallback = 'photo.jpg'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base || fallback;
}
