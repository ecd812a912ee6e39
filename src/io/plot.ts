import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** One line of a line plot: points (x, y) in drawing order. */
export interface PlotSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic x axis (for collection sizes 1k … 50k); ticks at the data's x values. */
  xLog?: boolean;
  /** Fixed y range; default: the data's range padded to nice ticks. */
  yMin?: number;
  yMax?: number;
  /** Canvas size in pixels (a line plot widens by what long legend names need). */
  width?: number;
  height?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const MARGIN = { left: 64, right: 170, top: 36, bottom: 48 };

/**
 * An SVG line plot (several series, legend on the right): the "accuracy vs collection size" curve.
 * @example const svg = linePlotSvg([{ name: 'tiny', points: [[1000, 0.25], [50000, 0.35]] }], { title: 'CIFAR-10', xLabel: 'collection size', yLabel: 'accuracy', xLog: true })
 */
export function linePlotSvg(series: readonly PlotSeries[], options: PlotOptions): string {
  const right = Math.max(MARGIN.right, 50 + 7 * Math.max(0, ...series.map((s) => s.name.length)));
  const W = (options.width ?? 760) + right - MARGIN.right;
  const H = options.height ?? 440;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const xt = options.xLog ? [...new Set(xs)].sort((a, b) => a - b) : niceTicks(Math.min(...xs), Math.max(...xs));
  const yt = niceTicks(options.yMin ?? Math.min(...ys), options.yMax ?? Math.max(...ys));
  const fx = (v: number) => (options.xLog ? Math.log(v) : v);
  const x0 = fx(xt[0]);
  const x1 = fx(xt[xt.length - 1]);
  const sx = (v: number) => MARGIN.left + ((fx(v) - x0) / (x1 - x0 || 1)) * (W - MARGIN.left - right);
  const sy = (v: number) => H - MARGIN.bottom - ((v - yt[0]) / (yt[yt.length - 1] - yt[0] || 1)) * (H - MARGIN.top - MARGIN.bottom);
  const parts = frame(W, H, options, xt.map((v) => [sx(v), formatTick(v)]), yt.map((v) => [sy(v), formatTick(v)]), right);
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${c}"/>`);
    parts.push(legend(W - right, i, c, s.name));
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** One bar of a bar plot. */
export interface PlotBar {
  label: string;
  value: number;
}

/** An SVG bar plot with the value printed on each bar (e.g. accuracy per encoder). */
export function barPlotSvg(bars: readonly PlotBar[], options: PlotOptions): string {
  const W = options.width ?? 760;
  const H = options.height ?? 440;
  const yt = niceTicks(options.yMin ?? Math.min(0, ...bars.map((b) => b.value)), options.yMax ?? Math.max(...bars.map((b) => b.value)));
  const sy = (v: number) => H - MARGIN.bottom - ((v - yt[0]) / (yt[yt.length - 1] - yt[0] || 1)) * (H - MARGIN.top - MARGIN.bottom);
  const plotW = W - MARGIN.left - 20;
  const step = plotW / Math.max(1, bars.length);
  const parts = frame(W, H, { ...options, xLabel: options.xLabel }, [], yt.map((v) => [sy(v), formatTick(v)]), 20);
  bars.forEach((b, i) => {
    const x = MARGIN.left + i * step + step * 0.15;
    const y = sy(b.value);
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(step * 0.7).toFixed(1)}" height="${(sy(yt[0]) - y).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"/>`);
    parts.push(`<text x="${(x + step * 0.35).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${escapeXml(formatTick(b.value))}</text>`);
    parts.push(`<text x="${(x + step * 0.35).toFixed(1)}" y="${H - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(b.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function frame(W: number, H: number, o: PlotOptions, xt: [number, string][], yt: [number, string][], right = MARGIN.right): string[] {
  const p = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:bold}</style>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text class="t" x="${W / 2}" y="22" text-anchor="middle">${escapeXml(o.title)}</text>`,
  ];
  const left = MARGIN.left;
  const bottom = H - MARGIN.bottom;
  for (const [y, label] of yt) {
    p.push(`<line x1="${left}" x2="${W - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    p.push(`<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${escapeXml(label)}</text>`);
  }
  for (const [x, label] of xt) {
    p.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${MARGIN.top}" y2="${bottom}" stroke="#eee"/>`);
    p.push(`<text x="${x.toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  p.push(`<line x1="${left}" x2="${W - right}" y1="${bottom}" y2="${bottom}" stroke="#444"/>`);
  p.push(`<line x1="${left}" x2="${left}" y1="${MARGIN.top}" y2="${bottom}" stroke="#444"/>`);
  p.push(`<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  p.push(`<text transform="translate(16 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  return p;
}

function legend(plotRight: number, i: number, colour: string, name: string): string {
  const x = plotRight + 14;
  const y = MARGIN.top + 8 + i * 18;
  return `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="3"/><text x="${x + 24}" y="${y + 4}">${escapeXml(name)}</text>`;
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo - 1, lo, lo + 1];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = start; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function formatTick(v: number): string {
  if (Math.abs(v) >= 1000 && v % 1000 === 0) return `${v / 1000}k`;
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Renders an SVG string to PNG bytes (sharp/librsvg). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Writes an SVG plot as PNG (`.png`) or as the SVG itself (`.svg`); creates the folder (benchmarks write their own tree). */
export async function writePlot(svg: string, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (file.toLowerCase().endsWith('.svg')) fs.writeFileSync(file, svg);
  else fs.writeFileSync(file, await svgToPng(svg));
}
