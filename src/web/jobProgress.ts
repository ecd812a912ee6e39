/** The progress line of a running job: its stage, a done/total bar, and the final state. */
import type { Job } from './apiTypes.ts';
import { el } from './dom.ts';

export interface JobProgress {
  node: HTMLElement;
  /** Shows a job's state (any state: queued, running, done, failed). */
  update(job: Job<unknown>): void;
  /** Shows a state before there is a job (uploading, say). */
  message(text: string): void;
  /** The final line: what ran and how long it took. */
  finish(text: string): void;
  hide(): void;
}

export function jobProgress(testid: string): JobProgress {
  const stage = el('span', { class: 'progress-stage', 'data-testid': `${testid}-stage` });
  const count = el('span', { class: 'progress-count' });
  const bar = el('progress', { max: 1, 'aria-label': 'Job progress', 'data-testid': `${testid}-bar` });
  const node = el('div', { class: 'progress', role: 'status', 'aria-live': 'polite', 'data-testid': testid, hidden: true }, stage, bar, count);

  const show = (text: string, done: number | null, total: number) => {
    node.hidden = false;
    stage.textContent = text;
    if (done === null) {
      bar.removeAttribute('value'); // indeterminate
      count.textContent = '';
    } else {
      bar.max = Math.max(total, 1);
      bar.value = Math.min(done, bar.max);
      count.textContent = total > 0 ? `${done} / ${total}` : '';
    }
  };
  return {
    node,
    update: (job) => {
      const { stage: s, done, total } = job.progress;
      if (job.state === 'queued') show('queued', null, 0);
      else if (job.state === 'running') show(s || 'running', total > 0 ? done : null, total);
      else if (job.state === 'done') show('done', 1, 1);
      else show('failed', null, 0);
      node.dataset.state = job.state;
    },
    message: (text) => {
      show(text, null, 0);
      node.dataset.state = 'uploading';
    },
    finish: (text) => {
      show(text, 1, 1);
      count.textContent = '';
      node.dataset.state = 'done';
    },
    hide: () => {
      node.hidden = true;
    },
  };
}
