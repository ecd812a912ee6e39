/** What the tabs share: their frame, the run button's busy state, and the encoder field. */
import type { Info } from '../apiTypes.ts';
import { errorLine } from '../api.ts';
import { el, labelled, replace, type errorSlot } from '../dom.ts';
import type { JobProgress } from '../jobProgress.ts';

export type TabId = 'search' | 'complete' | 'locate' | 'colorize' | 'classify' | 'browse';

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

export const ENCODER_LIST_ID = 'encoder-specs';

/**
 * A free-text encoder spec field suggesting the collection's encoders (`gist`, `tiny`...) and the
 * combinations the tasks use (`gist+tiny+lab-hist`).
 */
export function encoderField(testid: string, defaultSpec: string): { field: HTMLElement; input: HTMLInputElement } {
  const input = el('input', {
    type: 'text', value: defaultSpec, list: ENCODER_LIST_ID, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off', 'data-testid': testid,
  });
  return { field: labelled('Encoder', input), input };
}

/** Fills the shared encoder suggestions from `/api/info`. */
export function encoderSuggestions(info: Info): HTMLDataListElement {
  const specs = new Set(info.encoders.map((e) => e.spec));
  const stored = (s: string) => s.split('+').every((p) => specs.has(p.split(':')[0]));
  for (const combo of ['gist+tiny+lab-hist', 'gist+tiny', 'gist+lab-hist']) if (stored(combo)) specs.add(combo);
  return el('datalist', { id: ENCODER_LIST_ID }, ...[...specs].map((s) => el('option', { value: s })));
}

/** An image tile with a caption (results, panels, neighbours). */
export function figure(img: HTMLElement, caption: string | Node, testid?: string): HTMLElement {
  return el('figure', { class: 'tile', 'data-testid': testid }, img, el('figcaption', {}, caption));
}
