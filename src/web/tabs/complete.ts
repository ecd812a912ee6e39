/**
 * Complete: paint a hole over a photo and fill it from the collection's scenes (Hays & Efros 2007),
 * or with the diffusion and texture-synthesis baselines. The photo is downsized in the browser (longer
 * side ≤ 1024 px) and the mask is painted at that size, so both upload at exactly the same size.
 */
import { api, errorLine, followJob } from '../api.ts';
import type { CompleteResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, optionalInt, replace, thumb } from '../dom.ts';
import { canvasBlob, downscalePhoto } from '../downscale.ts';
import { jobProgress } from '../jobProgress.ts';
import { maskPainter } from '../maskPainter.ts';
import { methodSelect } from '../methodSelect.ts';
import { photoPicker } from '../photoPicker.ts';
import { downloadLink, viewable } from '../viewer.ts';
import { figure, runButton, tabPanel, runOnSubmit, type Tab } from './common.ts';

export function completeTab(): Tab {
  let photo: HTMLCanvasElement | null = null;
  const painter = maskPainter('complete-mask');
  const error = errorSlot('complete-error');
  const sizeNote = el('p', { class: 'summary', 'data-testid': 'complete-size' });
  const picker = photoPicker('complete', (file) => void load(file), { preview: false });

  const brush = el('input', { type: 'range', min: 4, max: 120, value: 36, 'data-testid': 'complete-brush' });
  const eraser = el('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false', 'data-testid': 'complete-eraser' }, 'Eraser');
  const undo = el('button', { type: 'button', disabled: true, title: 'Undo the last stroke (Ctrl+Z)', 'data-testid': 'complete-undo' }, 'Undo');
  const clear = el('button', { type: 'button', disabled: true, 'data-testid': 'complete-clear' }, 'Clear');
  const hole = el('span', { class: 'hole', 'aria-live': 'polite', 'data-testid': 'complete-hole' }, 'hole: none');
  const tools = el('div', { class: 'tools', role: 'toolbar', 'aria-label': 'Mask tools', hidden: true }, labelled('Brush size', brush), eraser, undo, clear, hole);

  // Methods that match scenes of the collection take "Scenes matched"; filled from the server's registry.
  let usesScenes: (name: string) => boolean = (name) => name === 'scene';
  const method = methodSelect('complete-method', (m) => m.complete, 'scene', (menu) => {
    usesScenes = (name) => menu.methods.some((m) => m.name === name && m.usesScenes);
    scenes.disabled = !usesScenes(method.value);
  });
  const k = numberInput('complete-k', 6, 1, 20);
  // Scenes kept by scene matching for the (slower) context matching; blank: the server's default (200).
  const scenes = el('input', { type: 'number', min: 1, max: 2000, placeholder: '200', inputmode: 'numeric', 'data-testid': 'complete-scenes' });
  const button = runButton('complete-run', 'Complete');
  const progress = jobProgress('complete-progress');
  const results = el('div', { class: 'results wide', 'data-testid': 'complete-results' });
  const form = el('form', { class: 'controls', 'aria-label': 'Completion options' }, picker.node, el('div', { class: 'options' }, labelled('Method', method), labelled('Completions (k)', k), labelled('Scenes matched', scenes), button));

  async function load(file: File) {
    error.clear();
    try {
      photo = await downscalePhoto(file);
    } catch (err) {
      return error.show(errorLine(err));
    }
    painter.setPhoto(photo);
    painter.setBrush(Number(brush.value));
    tools.hidden = false;
    sizeNote.textContent = `${file.name}: ${photo.width}×${photo.height} px. Paint the hole over the photo (drag with the mouse or a finger).`;
  }

  painter.onChange(() => {
    error.clear(); // a new stroke answers "paint the hole first"
    const n = painter.holePixels();
    const total = photo ? photo.width * photo.height : 1;
    hole.textContent = n ? `hole: ${fmt.percent(n / total)} of the photo` : 'hole: none';
    hole.dataset.pixels = String(n);
    undo.disabled = !painter.canUndo();
    clear.disabled = n === 0;
  });
  method.addEventListener('change', () => (scenes.disabled = !usesScenes(method.value)));
  brush.addEventListener('input', () => painter.setBrush(Number(brush.value)));
  eraser.addEventListener('click', () => {
    const on = eraser.getAttribute('aria-pressed') !== 'true';
    eraser.setAttribute('aria-pressed', String(on));
    painter.setEraser(on);
  });
  undo.addEventListener('click', () => painter.undo());
  clear.addEventListener('click', () => painter.clear());

  const node = tabPanel('complete', 'Complete', 'Remove part of a photo and fill the hole from similar scenes in the collection.', form, error.node, sizeNote, tools, painter.node, progress.node, results);
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'checkbox';
    if (!node.hidden && (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z' && !typing) {
      e.preventDefault();
      painter.undo();
    }
  });

  runOnSubmit(form, { button, error, results, progress }, () => (!photo ? 'Choose a photo first.' : painter.holePixels() === 0 ? 'Paint the hole first: drag over the photo.' : null), async () => {
    const source = photo!;
    progress.message('uploading');
    const [photoBlob, maskBlob] = await Promise.all([canvasBlob(source, 'image/jpeg', 0.95), painter.maskPng()]);
    const job = await api.complete({
      photo: { blob: photoBlob, name: 'photo.jpg' },
      mask: { blob: maskBlob, name: 'mask.png' },
      method: method.value,
      k: intValue(k, 6),
      scenes: usesScenes(method.value) ? optionalInt(scenes) : undefined,
    });
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.results.length} completion${r.results.length === 1 ? '' : 's'} by ${r.method} in ${fmt.seconds(r.seconds)}`);
    show(r);
    // The painter fills most of the screen: bring the completions into view.
    results.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });

  function show(r: CompleteResult) {
    const facts = `${r.width}×${r.height} px, hole ${fmt.percent(r.holeFraction)}` + (usesScenes(r.method) ? `, ${r.scenesMatched} of ${r.collectionSize} scenes matched` : '');
    const original = figure(thumb(r.query, 'The photo with its hole', 'complete-original'), el('span', {}, el('strong', {}, 'Original '), facts));
    original.classList.add('query');
    replace(
      results,
      ...r.warnings.map((w) => el('p', { class: 'warning', 'data-testid': 'complete-warning' }, w)),
      original,
      ...r.results.map((c) =>
        figure(
          viewable(thumb(c.image, `Completion ${c.rank}`, 'complete-image'), () => ({
            src: c.image,
            title: `Completion #${c.rank}`,
            facts: [
              ['Method', r.method] as [string, string],
              ['Score', c.score === null ? '—' : `${c.score.toFixed(3)} (lower is better)`] as [string, string],
              ['Filled from', c.source ? `${c.source.name} (id ${c.source.id})` : 'the photo itself'] as [string, string],
              ['Size', `${r.width}×${r.height} px`] as [string, string],
            ],
            download: { href: c.image, name: completionName(c.rank) },
          })),
          el(
            'span',
            { class: 'caption-row' },
            el('span', {}, el('span', { class: 'rank' }, `#${c.rank} `), c.score === null ? '' : el('span', { class: 'distance', title: 'cost (lower is better)' }, `score ${c.score.toFixed(3)}`)),
            c.source ? el('span', { class: 'source' }, thumb(c.source.thumbnail, `Source: ${c.source.name}`), el('span', { class: 'name' }, c.source.name)) : null,
            downloadLink(c.image, completionName(c.rank), 'complete-download'),
          ),
          'complete-result',
        ),
      ),
    );
  }

  return { id: 'complete', title: 'Complete', node };
}

const completionName = (rank: number) => `completion-${String(rank).padStart(2, '0')}.png`;
