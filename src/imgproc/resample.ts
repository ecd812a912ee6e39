import { createImage, type Image } from '../core/image.ts';

/**
 * Resize with area averaging when shrinking (each output pixel is the exact mean of the input area
 * it covers, so no aliasing) and bilinear interpolation when enlarging. Separable: rows then columns.
 * @param image any channel count
 * @param width output width in pixels (>= 1)
 * @param height output height in pixels (>= 1)
 */
export function resize(image: Image, width: number, height: number): Image {
  if (image.width === width && image.height === height) return image;
  const tmp = createImage(width, image.height, image.channels);
  const out = createImage(width, height, image.channels);
  const wx = weights(image.width, width);
  const wy = weights(image.height, height);
  const nIn = image.width * image.height;
  const nTmp = width * image.height;
  const nOut = width * height;
  for (let c = 0; c < image.channels; c++) {
    // Horizontal pass.
    for (let y = 0; y < image.height; y++) {
      const src = image.data.subarray(c * nIn + y * image.width, c * nIn + (y + 1) * image.width);
      applyWeights(wx, src, 1, 0, tmp.data, c * nTmp + y * width, 1, width);
    }
    // Vertical pass.
    for (let x = 0; x < width; x++) {
      applyWeights(wy, tmp.data, width, c * nTmp + x, out.data, c * nOut + x, width, height);
    }
  }
  return out;
}

interface Weights {
  start: Int32Array;
  count: Int32Array;
  w: Float32Array;
  stride: number;
}

function weights(inSize: number, outSize: number): Weights {
  const scale = inSize / outSize;
  if (scale >= 1) {
    // Box filter over the covered interval [o*scale, (o+1)*scale).
    const stride = Math.ceil(scale) + 2;
    const start = new Int32Array(outSize);
    const count = new Int32Array(outSize);
    const w = new Float32Array(outSize * stride);
    for (let o = 0; o < outSize; o++) {
      const a = o * scale;
      const b = a + scale;
      const i0 = Math.floor(a);
      const i1 = Math.min(inSize, Math.ceil(b));
      start[o] = i0;
      count[o] = i1 - i0;
      for (let i = i0; i < i1; i++) w[o * stride + i - i0] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
    }
    return { start, count, w, stride };
  }
  const stride = 2;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const w = new Float32Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const x = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
    const i0 = Math.min(inSize - 2, Math.floor(x));
    if (inSize === 1) {
      start[o] = 0;
      count[o] = 1;
      w[o * stride] = 1;
      continue;
    }
    const f = x - i0;
    start[o] = i0;
    count[o] = 2;
    w[o * stride] = 1 - f;
    w[o * stride + 1] = f;
  }
  return { start, count, w, stride };
}

function applyWeights(
  wt: Weights,
  src: Float32Array,
  srcStep: number,
  srcBase: number,
  dst: Float32Array,
  dstBase: number,
  dstStep: number,
  outSize: number,
): void {
  for (let o = 0; o < outSize; o++) {
    let acc = 0;
    const s0 = srcBase + wt.start[o] * srcStep;
    const wb = o * wt.stride;
    for (let k = 0; k < wt.count[o]; k++) acc += wt.w[wb + k] * src[s0 + k * srcStep];
    dst[dstBase + o * dstStep] = acc;
  }
}

/**
 * Resize so the shorter side is `size`, then crop the centre `size`×`size` square
 * (LMgist's `imresizecrop`, used by the reference gist code).
 */
export function resizeCropSquare(image: Image, size: number): Image {
  const scale = size / Math.min(image.width, image.height);
  const w = Math.max(size, Math.round(image.width * scale));
  const h = Math.max(size, Math.round(image.height * scale));
  const r = resize(image, w, h);
  if (w === size && h === size) return r;
  const x0 = Math.floor((w - size) / 2);
  const y0 = Math.floor((h - size) / 2);
  const out = createImage(size, size, r.channels);
  const nIn = w * h;
  for (let c = 0; c < r.channels; c++)
    for (let y = 0; y < size; y++) {
      const s = c * nIn + (y0 + y) * w + x0;
      out.data.set(r.data.subarray(s, s + size), c * size * size + y * size);
    }
  return out;
}
