import sharp, { type OverlayOptions } from 'sharp';
import { toInterleaved, type Image } from '../core/image.ts';

export interface SheetTile {
  image: Image;
  caption: string;
}

export interface SheetOptions {
  /** Tiles per row. */
  columns?: number;
  /** Tile box side in pixels; images are fitted inside, aspect kept. */
  tileSize?: number;
  /** Optional title line above the grid. */
  title?: string;
}

const CAPTION_H = 34;
const PAD = 6;

/**
 * A contact sheet: tiles in a grid, each with up to two caption lines under it (e.g. a file name
 * and a distance). Rendered with sharp (captions are SVG text). Returns JPEG or PNG bytes.
 */
export async function contactSheet(tiles: SheetTile[], options: SheetOptions = {}, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const cols = Math.max(1, Math.min(options.columns ?? 6, tiles.length));
  const size = options.tileSize ?? 200;
  const rows = Math.ceil(tiles.length / cols);
  const titleH = options.title ? 30 : 0;
  const width = cols * (size + PAD) + PAD;
  const height = titleH + rows * (size + CAPTION_H + PAD) + PAD;
  const layers: OverlayOptions[] = [];
  for (let i = 0; i < tiles.length; i++) {
    const t = tiles[i];
    const x = PAD + (i % cols) * (size + PAD);
    const y = titleH + PAD + Math.floor(i / cols) * (size + CAPTION_H + PAD);
    const thumb = await sharp(Buffer.from(toInterleaved(t.image).buffer), {
      raw: { width: t.image.width, height: t.image.height, channels: t.image.channels as 1 | 3 },
    })
      .resize(size, size, { fit: 'contain', background: { r: 24, g: 24, b: 24 } })
      .png()
      .toBuffer();
    layers.push({ input: thumb, left: x, top: y });
    layers.push({ input: captionSvg(t.caption, size), left: x, top: y + size });
  }
  if (options.title) layers.push({ input: captionSvg(options.title, width - 2 * PAD, 30, 16), left: PAD, top: 0 });
  const canvas = sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite(layers);
  return format === 'png' ? canvas.png().toBuffer() : canvas.jpeg({ quality: 88 }).toBuffer();
}

function captionSvg(text: string, width: number, height = CAPTION_H, fontSize = 12): Buffer {
  const lines = text.split('\n').slice(0, 2).map((l) => ellipsize(l, Math.floor(width / (fontSize * 0.6))));
  const tspans = lines.map((l, i) => `<text x="2" y="${fontSize + 2 + i * (fontSize + 3)}">${escapeXml(l)}</text>`).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:${fontSize}px;fill:#222}</style>${tspans}</svg>`,
  );
}

function ellipsize(s: string, max: number): string {
  return s.length <= max ? s : '…' + s.slice(s.length - max + 1);
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
