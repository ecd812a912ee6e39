import cliProgress from 'cli-progress';

/**
 * Progress of long work. Actions report through this; the CLI picks a terminal bar or plain lines,
 * the server streams events, tests pass `silentProgress`.
 */
export interface Progress {
  start(total: number, label: string): void;
  tick(count?: number): void;
  /** Total became known or changed (e.g. a tar archive was scanned). */
  setTotal(total: number): void;
  stop(): void;
  /** A one-line message for the person waiting (e.g. the ETA of an ingest); on stderr, never in --json output. */
  note?(text: string): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, setTotal() {}, stop() {} };

/** A bar with count, rate and ETA on a terminal; a plain line every few seconds otherwise. */
export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

/**
 * Seconds as a person reads them: `40 s`, `6 min`, `1.8 h`.
 * @example formatDuration(370) // '6 min'
 */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let value = 0;
  const rate = () => (value / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(1);
  return {
    start(total, label) {
      started = Date.now();
      value = 0;
      bar.start(total, 0, { label, rate: '0' });
    },
    tick(count = 1) {
      value += count;
      bar.update(value, { rate: rate() });
    },
    setTotal(total) {
      bar.setTotal(total);
    },
    stop() {
      bar.stop();
    },
    note(text) {
      stream.write(`\r\x1b[K${text}\n`); // above the bar, which redraws on its next update
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, everyMs = 5000): Progress {
  let label = '';
  let total = 0;
  let value = 0;
  let started = 0;
  let last = 0;
  const line = () => {
    const secs = Math.max(1e-3, (Date.now() - started) / 1000);
    const rate = value / secs;
    const eta = rate > 0 && total > value ? ` ETA ${Math.round((total - value) / rate)}s` : '';
    stream.write(`${label}: ${value}/${total} (${rate.toFixed(1)}/s${eta})\n`);
  };
  return {
    start(t, l) {
      total = t;
      label = l;
      value = 0;
      started = last = Date.now();
    },
    tick(count = 1) {
      value += count;
      const now = Date.now();
      if (now - last >= everyMs) {
        last = now;
        line();
      }
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (started) line();
    },
    note(text) {
      stream.write(`${text}\n`);
    },
  };
}
