import sharp, { type OverlayOptions } from 'sharp';
import { toInterleaved, type Image } from '../core/image.ts';
import { escapeXml } from './sheet.ts';

/** One class's score in a panel's bar chart. */
export interface PanelScore {
  label: string;
  /** Softmax probability, 0 … 1. */
  score: number;
}

/** What an attack panel shows: three images with captions, and the class scores before and after. */
export interface AttackPanel {
  title: string;
  /** The clean crop, the magnified perturbation and the adversarial crop (same size), with a caption each. */
  tiles: [Image, Image, Image];
  captions: [string, string, string];
  before: PanelScore[];
  after: PanelScore[];
  /** Classes drawn in their own colour: the class attacked away from, and the class reached. */
  label: string;
  adversarialLabel: string;
}

const TILE = 224;
const PAD = 12;
const TITLE_H = 30;
const CAPTION_H = 36;

/**
 * The attack panel as PNG bytes: original, perturbation (magnified, grey = no change), adversarial image
 * (each upscaled to 224 px with nearest-neighbour so the pixels stay visible), and two horizontal bar
 * charts of the class scores before and after the attack.
 * @example const png = await attackPanelPng({ title: 'pgd ε 8/255', tiles: [x, d, a], captions: ['a', 'b', 'c'], before, after, label: 'cat', adversarialLabel: 'dog' });
 */
export async function attackPanelPng(p: AttackPanel): Promise<Buffer> {
  const rows = Math.max(p.before.length, p.after.length);
  const chartH = 34 + rows * 20;
  const width = 3 * TILE + 4 * PAD;
  const height = TITLE_H + TILE + CAPTION_H + chartH + 2 * PAD;
  const layers: OverlayOptions[] = [];
  for (let i = 0; i < 3; i++) {
    const t = p.tiles[i];
    const big = await sharp(Buffer.from(toInterleaved(t).buffer), { raw: { width: t.width, height: t.height, channels: t.channels as 1 | 3 } })
      .resize(TILE, TILE, { kernel: 'nearest', fit: 'contain', background: { r: 24, g: 24, b: 24 } })
      .png()
      .toBuffer();
    const left = PAD + i * (TILE + PAD);
    layers.push({ input: big, left, top: TITLE_H });
    layers.push({ input: textSvg(p.captions[i], TILE, CAPTION_H), left, top: TITLE_H + TILE });
  }
  layers.push({ input: textSvg(p.title, width - 2 * PAD, TITLE_H, 15), left: PAD, top: 4 });
  const chartW = Math.floor((width - 3 * PAD) / 2);
  const top = TITLE_H + TILE + CAPTION_H + PAD;
  layers.push({ input: barsSvg('scores before', p.before, chartW, chartH, p), left: PAD, top });
  layers.push({ input: barsSvg('scores after', p.after, chartW, chartH, p), left: 2 * PAD + chartW, top });
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(layers)
    .png()
    .toBuffer();
}

const STYLE = '<style>text{font-family:DejaVu Sans,Arial,sans-serif;fill:#222}</style>';

function textSvg(text: string, width: number, height: number, size = 12): Buffer {
  const lines = text.split('\n').slice(0, 2);
  const body = lines.map((l, i) => `<text x="2" y="${size + 3 + i * (size + 4)}" font-size="${size}">${escapeXml(l)}</text>`).join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${STYLE}${body}</svg>`);
}

function barsSvg(title: string, scores: readonly PanelScore[], width: number, height: number, p: AttackPanel): Buffer {
  const labelW = 96;
  const barW = width - labelW - 56;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${STYLE}`, `<text x="0" y="14" font-size="13">${escapeXml(title)}</text>`];
  scores.forEach((s, i) => {
    const y = 26 + i * 20;
    const colour = s.label === p.adversarialLabel && s.label !== p.label ? '#d62728' : s.label === p.label ? '#1f77b4' : '#9a9a9a';
    parts.push(`<text x="0" y="${y + 12}" font-size="11">${escapeXml(s.label.slice(0, 14))}</text>`);
    parts.push(`<rect x="${labelW}" y="${y}" width="${Math.max(1, s.score * barW).toFixed(1)}" height="14" fill="${colour}"/>`);
    parts.push(`<text x="${labelW + s.score * barW + 4}" y="${y + 12}" font-size="11">${(100 * s.score).toFixed(1)}%</text>`);
  });
  parts.push('</svg>');
  return Buffer.from(parts.join(''));
}
