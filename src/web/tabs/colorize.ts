/**
 * Colorize: colour a grayscale photo from its nearest neighbours, compared in gray (tiny-gray), the
 * lecture's panels: the input, the matches in gray and in colour, their average colour, the result.
 */
import { api, followJob } from '../api.ts';
import type { ColorizeResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, replace, thumb } from '../dom.ts';
import { methodSelect } from '../methodSelect.ts';
import { jobProgress } from '../jobProgress.ts';
import { photoPicker } from '../photoPicker.ts';
import { downloadLink, viewable } from '../viewer.ts';
import { figure, runButton, tabPanel, runOnSubmit, type Tab } from './common.ts';

export function colorizeTab(): Tab {
  const picker = photoPicker('colorize', () => undefined);
  const k = numberInput('colorize-k', 20, 1, 200);
  const method = methodSelect('colorize-method', (m) => m.colorize, 'transfer');
  const button = runButton('colorize-run', 'Colorize');
  const error = errorSlot('colorize-error');
  const progress = jobProgress('colorize-progress');
  const results = el('div', { class: 'colorize-results', 'data-testid': 'colorize-results' });
  const form = el('form', { class: 'controls', 'aria-label': 'Colorize options' }, picker.node, el('div', { class: 'options' }, labelled('Matches (k)', k), labelled('Method', method), button));

  runOnSubmit(form, { button, error, results, progress }, () => (picker.file() ? null : 'Choose a photo first.'), async () => {
    const file = picker.file()!;
    progress.message('uploading');
    const job = await api.colorize({ photo: file, k: intValue(k, 20), method: method.value });
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.matches.length} matches by ${r.encoder}, ${r.method}`);
    show(r);
    // The form and the photo fill a phone's screen: bring the result up.
    resultPanel?.scrollIntoView({ behavior: 'instant', block: 'start' });
  });

  let resultPanel: HTMLElement | null = null;

  function show(r: ColorizeResult) {
    const download = (src: string) => `colorized-${src.split('/').pop()}`;
    const panel = (src: string, title: string, testid: string) =>
      figure(
        viewable(thumb(src, title, testid), () => ({
          src,
          title,
          facts: [
            ['Size', `${r.width}×${r.height} px`],
            ['Method', `${r.method}, from ${r.matches.length} matches by ${r.encoder}`],
          ],
          download: { href: src, name: download(src) },
        })),
        el('span', {}, title, ' ', downloadLink(src, download(src), `${testid}-download`)),
        `${testid}-panel`,
      );
    // The result first: on a phone the panels stack, and the result is what was asked for.
    resultPanel = panel(r.panels.result, 'Result', 'colorize-result');
    replace(
      results,
      r.note ? el('p', { class: 'warning', 'data-testid': 'colorize-note' }, r.note) : null,
      el('div', { class: 'panels' }, resultPanel, panel(r.panels.gray, 'Input (gray)', 'colorize-gray'), panel(r.panels.average, 'Average colour of the matches', 'colorize-average')),
      el('h3', {}, `The ${r.matches.length} matches, in gray (as compared) and in colour`),
      el(
        'div',
        { class: 'results matches', 'data-testid': 'colorize-matches' },
        ...r.matches.map((m) =>
          el(
            'figure',
            { class: 'tile pair', 'data-testid': 'colorize-match' },
            el('img', { src: m.thumbnail, alt: `${m.name} in gray`, class: 'gray' }),
            el('img', { src: m.thumbnail, alt: `${m.name} in colour` }),
            el('figcaption', {}, el('span', { class: 'distance' }, fmt.distance(m.distance)), m.mirrored ? el('span', { class: 'badge' }, 'mirrored') : null, el('span', { class: 'name' }, m.name)),
          ),
        ),
      ),
      el('p', { class: 'summary' }, `${r.width}×${r.height} px. `, el('a', { href: r.panels.sheet, target: '_blank', rel: 'noopener', 'data-testid': 'colorize-sheet' }, 'All panels as one sheet'), r.skippedGray ? ` (${r.skippedGray} gray photos of the collection skipped as sources)` : ''),
    );
  }

  return { id: 'colorize', title: 'Colorize', node: tabPanel('colorize', 'Colorize', 'Colour a black-and-white photo from the colour photos most like it.', form, error.node, progress.node, results) };
}
