import { assert } from './errors.ts';

/**
 * A decoded photo: planar float32, values in [0, 1] (sRGB, gamma-encoded), one plane per channel.
 * Layout: `data[c * width * height + y * width + x]`.
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  /** 1 (gray) or 3 (R, G, B). */
  readonly channels: number;
  readonly data: Float32Array;
}

export function createImage(width: number, height: number, channels: number, data?: Float32Array): Image {
  assert(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0, `image size ${width}x${height}`);
  const size = width * height * channels;
  if (data) assert(data.length === size, `image data length ${data.length} != ${size}`);
  return { width, height, channels, data: data ?? new Float32Array(size) };
}

/** One channel as a view (no copy). */
export function plane(image: Image, channel: number): Float32Array {
  const n = image.width * image.height;
  return image.data.subarray(channel * n, (channel + 1) * n);
}

/** Interleaved 8-bit (RGB or gray) → planar float image in [0, 1]. */
export function fromInterleaved(bytes: Uint8Array, width: number, height: number, channels: number): Image {
  const n = width * height;
  assert(bytes.length >= n * channels, 'interleaved buffer too short');
  const out = createImage(width, height, channels);
  const d = out.data;
  for (let c = 0; c < channels; c++) {
    const base = c * n;
    for (let i = 0, j = c; i < n; i++, j += channels) d[base + i] = bytes[j] / 255;
  }
  return out;
}

/** Planar float image → interleaved 8-bit, clamped and rounded. */
export function toInterleaved(image: Image): Uint8Array {
  const { width, height, channels, data } = image;
  const n = width * height;
  const out = new Uint8Array(n * channels);
  for (let c = 0; c < channels; c++) {
    const base = c * n;
    for (let i = 0, j = c; i < n; i++, j += channels) {
      const v = data[base + i] * 255 + 0.5;
      out[j] = v <= 0 ? 0 : v >= 255 ? 255 : v;
    }
  }
  return out;
}

/** Luma (Rec. 601 weights, as MATLAB rgb2gray and most gist code use). */
export function toGray(image: Image): Image {
  if (image.channels === 1) return image;
  const n = image.width * image.height;
  const out = createImage(image.width, image.height, 1);
  const d = image.data;
  for (let i = 0; i < n; i++) out.data[i] = 0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i];
  return out;
}

/** Gray → 3 identical channels; RGB returned as is. */
export function toRgb(image: Image): Image {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = createImage(image.width, image.height, 3);
  out.data.set(image.data.subarray(0, n), 0);
  out.data.set(image.data.subarray(0, n), n);
  out.data.set(image.data.subarray(0, n), 2 * n);
  return out;
}

/** Horizontal mirror. */
export function flipHorizontal(image: Image): Image {
  const { width: w, height: h, channels } = image;
  const out = createImage(w, h, channels);
  for (let c = 0; c < channels; c++) {
    const base = c * w * h;
    for (let y = 0; y < h; y++) {
      const row = base + y * w;
      for (let x = 0; x < w; x++) out.data[row + x] = image.data[row + w - 1 - x];
    }
  }
  return out;
}

/** A rectangular crop (copy). */
export function crop(image: Image, x0: number, y0: number, w: number, h: number): Image {
  assert(x0 >= 0 && y0 >= 0 && x0 + w <= image.width && y0 + h <= image.height, 'crop inside image');
  const out = createImage(w, h, image.channels);
  const n = image.width * image.height;
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < h; y++) {
      const src = c * n + (y0 + y) * image.width + x0;
      out.data.set(image.data.subarray(src, src + w), c * w * h + y * w);
    }
  }
  return out;
}
