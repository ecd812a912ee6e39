/**
 * Attack: an adversarial example of a photo for a classification network — the photo cropped to what
 * the model sees, perturbed within ε (fgsm, pgd, eot, through the model's input-gradient graph) or in a
 * few pixels (one-pixel, a black box) — shown as the server's panel, the scores before and after, and
 * the size of the change.
 */
import type { AttackMethodInfo, MethodMenu } from '../../actions/methods.ts';
import { api, followJob } from '../api.ts';
import type { AttackResult, ModelList } from '../apiTypes.ts';
import { el, errorSlot, fmt, labelled, replace, thumb } from '../dom.ts';
import { jobProgress } from '../jobProgress.ts';
import { methodSelect } from '../methodSelect.ts';
import { classifierSelect } from '../modelSelect.ts';
import { photoPicker } from '../photoPicker.ts';
import { probabilityBars, scoreBars } from '../scoreBars.ts';
import { segmented } from '../segmented.ts';
import { downloadLink, viewable } from '../viewer.ts';
import { figure, runButton, runOnSubmit, tabPanel, type Tab } from './common.ts';

/** The ε slider's range, in 8-bit steps (ε = n/255). */
const EPS_MAX = 16;
const EPS_DEFAULT = 8;
/** Classes each score list shows. */
const SCORES_SHOWN = 5;

export function attackTab(): Tab {
  const picker = photoPicker('attack', () => undefined);
  let models: ModelList | null = null;
  let menu: MethodMenu<AttackMethodInfo> | null = null;
  const model = classifierSelect('attack-model', {
    marksGradient: true,
    onList: (l) => {
      models = l;
      sync();
    },
  });
  const method = methodSelect('attack-method', (m) => m.attack, 'pgd', (m) => {
    menu = m;
    sync();
  });
  const eps = el('input', { type: 'range', class: 'eps-slider', min: 0, max: EPS_MAX, step: 1, value: EPS_DEFAULT, 'data-testid': 'attack-eps' });
  const epsValue = el('output', { class: 'slider-value', 'data-testid': 'attack-eps-value' });
  const epsField = el('label', { class: 'field' }, el('span', { class: 'field-label' }, 'ε, the most any value may change: ', epsValue), eps);
  let pixels = '1';
  const pixelsField = segmented('attack-pixels', 'Pixels changed', ['1', '3', '5'].map((v) => ({ value: v, label: v })), pixels, (v) => (pixels = v));
  const note = el('p', { class: 'summary', 'data-testid': 'attack-note', hidden: true });
  const button = runButton('attack-run', 'Attack');
  const error = errorSlot('attack-error');
  const progress = jobProgress('attack-progress');
  const results = el('div', { class: 'attack-results', 'data-testid': 'attack-results' });
  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Attack options' },
    picker.node,
    el('div', { class: 'options' }, labelled('Model', model), labelled('Method', method), epsField, pixelsField, button, note),
  );

  const showEps = () => {
    epsValue.textContent = `${eps.value}/255`;
    eps.setAttribute('aria-valuetext', `${eps.value}/255`);
  };
  eps.addEventListener('input', showEps);
  showEps();
  const methodInfo = () => menu?.methods.find((m) => m.name === method.value);

  /** Gradient methods only on a model with an input-gradient graph; the strength control of the chosen method. */
  function sync() {
    const gradientOk = !models || !model.value || models.classifiersWithGradient.includes(model.value);
    for (const option of method.options) option.disabled = !gradientOk && menu?.methods.find((m) => m.name === option.value)?.gradient === true;
    if (method.selectedOptions[0]?.disabled) method.value = [...method.options].find((o) => !o.disabled)?.value ?? method.value;
    note.hidden = gradientOk;
    note.textContent = gradientOk ? '' : `${model.value} has no input-gradient graph: only one-pixel (a black box) runs on it.`;
    const strength = methodInfo()?.strength ?? 'eps';
    epsField.hidden = strength !== 'eps';
    pixelsField.hidden = strength !== 'pixels';
  }
  model.addEventListener('change', sync);
  method.addEventListener('change', sync);
  sync();

  const refusal = () => (!picker.file() ? 'Choose a photo first.' : !model.value ? 'The server has no classification model to attack (deja serve --manifest).' : null);
  runOnSubmit(form, { button, error, results, progress }, refusal, async () => {
    const strength = methodInfo()?.strength ?? 'eps';
    progress.message('uploading');
    const job = await api.attack({
      photo: picker.file()!,
      model: model.value,
      method: method.value,
      eps: strength === 'eps' ? Number(eps.value) / 255 : undefined,
      pixels: strength === 'pixels' ? Number(pixels) : undefined,
    });
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.method} on ${r.model}, ${r.success ? 'success' : 'no success'}`);
    show(r);
    resultTop?.scrollIntoView({ behavior: 'instant', block: 'start' });
  });

  let resultTop: HTMLElement | null = null;

  function show(r: AttackResult) {
    const strength = r.eps !== null ? `ε ${r.epsText}` : `${r.pixels} pixel${r.pixels === 1 ? '' : 's'}`;
    const facts: [string, string][] = [
      ['Method', `${r.method} on ${r.model}, ${strength}${r.steps ? `, ${r.steps} steps` : ''}${r.target ? `, target ${r.target}` : ''}`],
      ['Change', `L∞ ${r.norms.linf255.toFixed(1)}/255, L2 ${r.norms.l2.toFixed(3)}, ${r.norms.pixels} of ${r.size * r.size} pixels`],
      ['Crop', `${r.size}×${r.size} px, as the model sees the photo`],
      ...(r.robustness ? [['Robustness', `${r.target ? 'on target' : 'fooled'} under ${fmt.percent(r.robustness.stillAdversarial)} of ${r.robustness.draws} random transformations (rotation, scale, shift, brightness, JPEG)`] as [string, string]] : []),
      ['Cost', `${r.queries.toLocaleString('en')} model run${r.queries === 1 ? '' : 's'}, ${fmt.seconds(r.seconds)}`],
    ];
    const verdict = r.success ? `Success: ${r.before.label} → ${r.after.label}` : `No success: still ${r.after.label}`;
    const panel = figure(
      viewable(thumb(r.panel, 'Original, perturbation, adversarial image and scores', 'attack-panel'), () => ({ src: r.panel, title: verdict, facts, download: { href: r.panel, name: `${r.method}-panel.png` } })),
      el('span', {}, 'The panel ', downloadLink(r.panel, `${r.method}-panel.png`, 'attack-panel-download')),
      'attack-panel-tile',
    );
    resultTop = el('p', { class: `verdict ${r.success ? 'success' : 'no-success'}`, 'data-testid': 'attack-verdict', 'data-success': String(r.success) }, el('strong', {}, verdict));
    const scores = (title: string, s: AttackResult['before'], testid: string) =>
      el('div', { class: 'attack-scores-col' }, el('h3', {}, title), scoreBars(probabilityBars(s.scores, SCORES_SHOWN), s.label, testid, `${title}: probability per class`));
    replace(
      results,
      resultTop,
      panel,
      el(
        'div',
        { class: 'attack-adversarial' },
        el('img', { src: r.adversarial, alt: 'The adversarial image', class: 'pixelated', 'data-testid': 'attack-adversarial' }),
        el('span', {}, 'The adversarial image, lossless PNG ', downloadLink(r.adversarial, `${r.method}.png`, 'attack-adversarial-download')),
      ),
      el('dl', { class: 'facts', 'data-testid': 'attack-facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      el('div', { class: 'attack-scores' }, scores('Before', r.before, 'attack-before-bar'), scores('After', r.after, 'attack-after-bar')),
    );
  }

  return {
    id: 'attack',
    title: 'Attack',
    node: tabPanel('attack', 'Attack', 'Change a photo imperceptibly so that a classification network answers another class.', form, error.node, progress.node, results),
  };
}
