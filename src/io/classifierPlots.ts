/**
 * The two pictures of a classifier evaluation, as SVG (PNG through `svgToPng`): the reliability diagram
 * of Guo et al. 2017 (Fig. 1, bottom: accuracy per confidence bin against the diagonal) and the confusion
 * matrix as a heat map.
 */

/** One confidence bin (as decoders/recognize/calibration.ts reports it). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number;
  accuracy: number;
}

const FONT = '<style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:12px;fill:#222}.t{font-size:15px;font-weight:bold}.s{font-size:10px}</style>';

/**
 * Reliability diagram: a bar per non-empty confidence bin whose height is the bin's accuracy, the gap to
 * its mean confidence shaded red, the diagonal of perfect calibration dashed, and photos per bin printed
 * at the bottom of each bar.
 * @param bins equal-width bins covering [0, 1], in order
 * @param title e.g. `cifar-resnet20 on cifar10/test.tar.gz: ECE 3.1 %`
 */
export function reliabilityDiagramSvg(bins: readonly ReliabilityBin[], title: string): string {
  const W = 520;
  const H = 520;
  const m = { left: 64, right: 24, top: 40, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const sx = (v: number) => m.left + v * pw;
  const sy = (v: number) => m.top + (1 - v) * ph;
  const p = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`, FONT, `<rect width="${W}" height="${H}" fill="white"/>`];
  p.push(`<text class="t" x="${W / 2}" y="24" text-anchor="middle">${escapeXml(title)}</text>`);
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    p.push(`<line x1="${sx(0)}" x2="${sx(1)}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e4e4e4"/>`);
    p.push(`<text x="${m.left - 6}" y="${sy(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
    p.push(`<text x="${sx(v)}" y="${H - m.bottom + 16}" text-anchor="middle">${v.toFixed(1)}</text>`);
  }
  for (const b of bins) {
    if (!b.count) continue;
    const x = sx(b.lower) + 1;
    const w = Math.max(1, sx(b.upper) - sx(b.lower) - 2);
    p.push(`<rect x="${x.toFixed(1)}" y="${sy(b.accuracy).toFixed(1)}" width="${w.toFixed(1)}" height="${(sy(0) - sy(b.accuracy)).toFixed(1)}" fill="#1f77b4"/>`);
    const lo = Math.min(b.accuracy, b.confidence);
    const hi = Math.max(b.accuracy, b.confidence);
    p.push(`<rect x="${x.toFixed(1)}" y="${sy(hi).toFixed(1)}" width="${w.toFixed(1)}" height="${(sy(lo) - sy(hi)).toFixed(1)}" fill="#d62728" fill-opacity="0.35" stroke="#d62728"/>`);
    p.push(`<text class="s" x="${(x + w / 2).toFixed(1)}" y="${sy(0) - 4}" text-anchor="middle" style="fill:white">${b.count}</text>`);
  }
  p.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#444" stroke-dasharray="5 4"/>`);
  p.push(`<rect x="${sx(0)}" y="${sy(1)}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  p.push(`<text x="${m.left + pw / 2}" y="${H - 22}" text-anchor="middle">confidence (probability of the predicted class)</text>`);
  p.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  const lx = sx(0) + 10;
  p.push(`<rect x="${lx}" y="${sy(1) + 10}" width="14" height="10" fill="#1f77b4"/><text x="${lx + 20}" y="${sy(1) + 19}">accuracy per bin</text>`);
  p.push(`<rect x="${lx}" y="${sy(1) + 28}" width="14" height="10" fill="#d62728" fill-opacity="0.35" stroke="#d62728"/><text x="${lx + 20}" y="${sy(1) + 37}">gap to mean confidence</text>`);
  p.push('</svg>');
  return p.join('\n');
}

/**
 * Confusion matrix as a heat map: rows are the true classes, columns the predicted ones, each cell
 * shaded by its share of the row (white 0 → blue 1) and labelled with its count; the diagonal is outlined.
 * @param counts `classes.length²` counts, `counts[true * C + predicted]`
 */
export function confusionMatrixSvg(counts: ArrayLike<number>, classes: readonly string[], title: string): string {
  const C = classes.length;
  const cell = Math.max(10, Math.min(48, Math.floor(560 / Math.max(1, C))));
  const labelW = 12 + 7 * Math.min(24, Math.max(4, ...classes.map((c) => c.length)));
  const left = labelW + 28;
  const top = 48;
  const W = left + C * cell + 24;
  const H = top + C * cell + labelW + 36;
  const p = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`, FONT, `<rect width="${W}" height="${H}" fill="white"/>`];
  p.push(`<text class="t" x="${W / 2}" y="24" text-anchor="middle">${escapeXml(title)}</text>`);
  const short = (s: string) => escapeXml(s.length > 24 ? `${s.slice(0, 23)}…` : s);
  for (let t = 0; t < C; t++) {
    let row = 0;
    for (let q = 0; q < C; q++) row += counts[t * C + q];
    const y = top + t * cell;
    p.push(`<text x="${left - 6}" y="${(y + cell / 2 + 4).toFixed(1)}" text-anchor="end">${short(classes[t])}</text>`);
    for (let q = 0; q < C; q++) {
      const v = counts[t * C + q];
      const f = row ? v / row : 0;
      const x = left + q * cell;
      const shade = (a: number, b: number) => Math.round(a + (b - a) * f);
      p.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${shade(255, 8)},${shade(255, 69)},${shade(255, 148)})" stroke="#fff"/>`);
      if (cell >= 20 && v > 0) p.push(`<text class="s" x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle"${f > 0.5 ? ' style="fill:white"' : ''}>${v}</text>`);
    }
    p.push(`<rect x="${left + t * cell}" y="${y}" width="${cell}" height="${cell}" fill="none" stroke="#222" stroke-width="1.5"/>`);
  }
  for (let q = 0; q < C; q++) {
    const x = left + q * cell + cell / 2 + 4;
    const y = top + C * cell + 8;
    p.push(`<text transform="translate(${x.toFixed(1)} ${y}) rotate(-90)" text-anchor="end">${short(classes[q])}</text>`);
  }
  p.push(`<text x="${left + (C * cell) / 2}" y="${H - 10}" text-anchor="middle">predicted class</text>`);
  p.push(`<text transform="translate(16 ${top + (C * cell) / 2}) rotate(-90)" text-anchor="middle">true class</text>`);
  p.push('</svg>');
  return p.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
