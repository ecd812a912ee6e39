/** Drag-and-drop wiring shared by the photo pickers: the zone highlights while files hover over it. */

/**
 * Calls `onFiles` with the files chosen through `input` or dropped on `zone` (`dropped` tells which).
 * The input is cleared after each choice, so choosing the same files again still counts.
 */
export function wireDropZone(zone: HTMLElement, input: HTMLInputElement, onFiles: (files: File[], dropped: boolean) => void): void {
  input.addEventListener('change', () => {
    onFiles([...(input.files ?? [])], false);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('drag');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('drag'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('drag');
    onFiles([...(e.dataTransfer?.files ?? [])], true);
  });
}
