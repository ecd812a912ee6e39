/** What the tabs share: their frame, the run button's busy state, and the encoder field. */
import type { Info } from '../apiTypes.ts';
import { errorLine } from '../api.ts';
import { el, labelled, replace, type errorSlot } from '../dom.ts';
import type { JobProgress } from '../jobProgress.ts';

export type TabId = 'search' | 'complete' | 'locate' | 'colorize' | 'classify' | 'attack' | 'reconstruct' | 'browse';

export interface Tab {
  id: TabId;
  title: string;
  node: HTMLElement;
  /** Called each time the tab is shown (Browse loads its first page then). */
  shown?(): void;
}

/** The tab's panel: a heading, one line on what it does, then its parts. */
export function tabPanel(id: TabId, title: string, intro: string, ...parts: HTMLElement[]): HTMLElement {
  return el(
    'section',
    { id: `panel-${id}`, class: 'panel', role: 'tabpanel', 'aria-labelledby': `tab-${id}`, 'data-testid': `panel-${id}`, hidden: true },
    el('h2', {}, title),
    el('p', { class: 'intro' }, intro),
    ...parts,
  );
}

export function runButton(testid: string, text: string): HTMLButtonElement {
  return el('button', { type: 'submit', class: 'primary', 'data-testid': testid }, text);
}

/** Runs `task` with the button disabled and its panel marked busy; errors go to `onError`. */
export async function whileBusy(button: HTMLButtonElement, task: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
  const panel = button.closest('section');
  button.disabled = true;
  panel?.setAttribute('aria-busy', 'true');
  try {
    await task();
  } catch (err) {
    onError(err);
  } finally {
    button.disabled = false;
    panel?.removeAttribute('aria-busy');
  }
}

/**
 * Wires a task form: on submit, `check` may refuse with a line for the user; otherwise `task` runs
 * with the button busy and the last error and results cleared. A failure hides the progress line and
 * shows the error as one line.
 */
export function runOnSubmit(
  form: HTMLFormElement,
  parts: { button: HTMLButtonElement; error: ReturnType<typeof errorSlot>; results: HTMLElement; progress?: JobProgress },
  check: () => string | null,
  task: () => Promise<void>,
): void {
  clearErrorOnInput(form, parts.error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const refusal = check();
    if (refusal) return parts.error.show(refusal);
    void whileBusy(
      parts.button,
      async () => {
        parts.error.clear();
        replace(parts.results);
        await task();
      },
      (err) => {
        parts.progress?.hide();
        parts.error.show(errorLine(err));
      },
    );
  });
}

/** An error is about the input: once the user changes any of it (a new photo, another option), the error is stale. */
export function clearErrorOnInput(form: HTMLElement, error: ReturnType<typeof errorSlot>): void {
  for (const type of ['input', 'change']) form.addEventListener(type, () => error.clear());
}

const encoderMenus: { select: HTMLSelectElement; preferred: string }[] = [];
let knownInfo: Info | null = null;

/**
 * An encoder menu: the collection's own encoders (`gist`, `tiny`...) and the combinations of them the
 * tasks use (`gist+tiny+lab-hist`), filled from `/api/info`. It starts with the task's default and
 * keeps it selected when the collection holds it.
 */
export function encoderField(testid: string, defaultSpec: string): { field: HTMLElement; input: HTMLSelectElement } {
  const select = el('select', { 'data-testid': testid }, el('option', { value: defaultSpec, selected: true }, defaultSpec));
  encoderMenus.push({ select, preferred: defaultSpec });
  if (knownInfo) fillMenu(select, defaultSpec, knownInfo);
  return { field: labelled('Encoder', select), input: select };
}

/** The encoder specs the collection can serve: those it stores, then the stored combinations. */
export function encoderChoices(info: Info): string[] {
  const specs = info.encoders.map((e) => e.spec);
  const stored = (s: string) => s.split('+').every((p) => specs.includes(p));
  return [...specs, ...['gist+tiny+lab-hist', 'gist+tiny', 'gist+lab-hist'].filter(stored)];
}

function fillMenu(select: HTMLSelectElement, preferred: string, info: Info): void {
  const choices = encoderChoices(info);
  if (!choices.length) return; // nothing indexed: keep the default, the server explains
  const chosen = choices.includes(select.value) ? select.value : choices.includes(preferred) ? preferred : choices[0];
  replace(select, ...choices.map((c) => el('option', { value: c, selected: c === chosen }, c)));
  select.value = chosen;
}

/** Fills every encoder menu of the page from `/api/info` (and the ones made later). */
export function fillEncoderMenus(info: Info): void {
  knownInfo = info;
  for (const m of encoderMenus) fillMenu(m.select, m.preferred, info);
}

/** An image tile with a caption (results, panels, neighbours). */
export function figure(img: HTMLElement, caption: string | Node, testid?: string): HTMLElement {
  return el('figure', { class: 'tile', 'data-testid': testid }, img, el('figcaption', {}, caption));
}
