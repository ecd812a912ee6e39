/**
 * `topview.png`: a reconstruction seen from above. The points are rasterised into a typed array (a
 * square dot each, lower points first so the tops of walls stay visible) and the cameras are an SVG
 * layer on top (marker, a line along the viewing direction, the image index), composited and encoded
 * by sharp.
 */
import sharp from 'sharp';
import { projectTopView, quantile, topViewFrame, type TopViewCamera, type TopViewFrame } from './topViewProjection.ts';

/** What the top view draws. */
export interface TopViewScene {
  /** Points, `3 × n` world coordinates. */
  xyz: ArrayLike<number>;
  /** Their colours, `3 × n` bytes. */
  rgb: ArrayLike<number>;
  /** The registered cameras, each labelled (e.g. by its image index). */
  cameras: readonly (TopViewCamera & { label: string })[];
}

export interface TopViewOptions {
  /** Longer side of the picture, pixels (default 800). */
  size?: number;
  /** Fraction of points cut at each end of each axis when fitting the extent (default 0.02: the 2nd–98th percentile). */
  clip?: number;
}

const BACKGROUND = [24, 26, 30];
const MARGIN = 24;

/** The world → pixel map of the picture: extent of the points (percentiles) and the camera centres, padded. */
function pictureMap(u: Float64Array, v: Float64Array, cu: number[], cv: number[], size: number, clip: number) {
  const range = (a: Float64Array, c: number[]) => {
    const lo = Math.min(a.length ? quantile(a, clip) : Infinity, ...c), hi = Math.max(a.length ? quantile(a, 1 - clip) : -Infinity, ...c);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [-1, 1];
    return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
  };
  const [u0, u1] = range(u, cu), [v0, v1] = range(v, cv);
  const scale = (size - 2 * MARGIN) / Math.max(u1 - u0, v1 - v0);
  const width = Math.max(64, Math.round((u1 - u0) * scale) + 2 * MARGIN), height = Math.max(64, Math.round((v1 - v0) * scale) + 2 * MARGIN);
  return { width, height, scale, x: (a: number) => MARGIN + (a - u0) * scale, y: (b: number) => height - MARGIN - (b - v0) * scale };
}

/** The cameras as SVG: a ring at the centre, a line along the viewing direction laid flat, the label beside it. */
function camerasSvg(scene: TopViewScene, frame: TopViewFrame, map: ReturnType<typeof pictureMap>): string {
  const len = 0.06 * Math.max(map.width, map.height);
  const parts = scene.cameras.map((c) => {
    const p = projectTopView(c.centre, frame);
    const x = map.x(p.u[0]), y = map.y(p.v[0]);
    const d = projectTopView([c.R[6], c.R[7], c.R[8]], frame), n = Math.hypot(d.u[0], d.v[0]) || 1;
    const x2 = x + (len * d.u[0]) / n, y2 = y - (len * d.v[0]) / n;
    const label = c.label.replace(/[<>&"]/g, '');
    return `<line x1="${x.toFixed(1)}" y1="${y.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#ffd24a" stroke-width="2"/>`
      + `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="#ffd24a" stroke="#000" stroke-width="1"/>`
      + `<text x="${(x + 6).toFixed(1)}" y="${(y + 14).toFixed(1)}">${label}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${map.width}" height="${map.height}"><style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:11px;fill:#fff}</style>${parts.join('')}</svg>`;
}

/**
 * Renders a reconstruction from above as a PNG.
 *
 * Steps: (1) the frame (`topViewFrame`: up from the cameras' −y axes); (2) the extent: the
 * [clip, 1 − clip] quantiles of the points along each ground axis, widened to hold every camera,
 * equal scale on both axes; (3) points drawn as 2 × 2 dots (3 × 3 below 5,000 points) in order of
 * height, those outside the extent dropped; (4) the cameras' SVG layer; (5) PNG by sharp.
 *
 * @returns the PNG bytes, and the frame used (for tests and captions).
 * @example fs.writeFileSync('topview.png', (await topViewPng({ xyz, rgb, cameras })).png);
 */
export async function topViewPng(scene: TopViewScene, options: TopViewOptions = {}): Promise<{ png: Buffer; frame: TopViewFrame; width: number; height: number }> {
  const frame = topViewFrame(scene.cameras.length ? scene.cameras : [{ centre: [0, 0, 0], R: [1, 0, 0, 0, 1, 0, 0, 0, 1] }]);
  const { u, v, h } = projectTopView(scene.xyz, frame);
  const cams = scene.cameras.map((c) => projectTopView(c.centre, frame));
  const map = pictureMap(u, v, cams.map((c) => c.u[0]), cams.map((c) => c.v[0]), options.size ?? 800, options.clip ?? 0.02);
  const { width, height } = map, pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(BACKGROUND, 3 * i);
  const order = Uint32Array.from({ length: u.length }, (_, k) => k).sort((a, b) => h[a] - h[b]);
  const dot = u.length < 5000 ? 3 : 2;
  for (const k of order) {
    const x0 = Math.round(map.x(u[k]) - dot / 2), y0 = Math.round(map.y(v[k]) - dot / 2);
    if (x0 < 0 || y0 < 0 || x0 + dot > width || y0 + dot > height) continue;
    for (let y = y0; y < y0 + dot; y++) for (let x = x0; x < x0 + dot; x++) {
      const o = 3 * (y * width + x);
      pixels[o] = scene.rgb[3 * k];
      pixels[o + 1] = scene.rgb[3 * k + 1];
      pixels[o + 2] = scene.rgb[3 * k + 2];
    }
  }
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(camerasSvg(scene, frame, map)), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return { png, frame, width, height };
}
