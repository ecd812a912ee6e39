/**
 * A growable table of keypoints in scale-space coordinates, one row per keypoint, columns as typed
 * arrays (capacity doubles when full, so pushing allocates only O(log n) times). The detector fills
 * it with refined extrema (angle 0); the orientation stage writes one row per dominant orientation.
 */
export class ScaleSpaceKeypoints {
  count = 0;
  /** Octave number o (pixels 2^o input pixels apart). */
  octave: Int32Array;
  /** The Gaussian level, 1..s, nearest the keypoint's scale (the one its orientation and descriptor read). */
  level: Int32Array;
  /** Refined position, in the octave's pixels. */
  x: Float64Array;
  y: Float64Array;
  /** Refined scale σ in the octave's pixels: σ0 · 2^((level + offset) / s). */
  sigma: Float64Array;
  /** |D| at the refined extremum (interpolated contrast, Lowe Eq. 3), the strength used to cap the count. */
  response: Float32Array;
  /** Orientation in radians, [0, 2π), image axes (x right, y down: positive is clockwise on screen). */
  angle: Float64Array;

  constructor(capacity = 1024) {
    const c = Math.max(1, capacity);
    this.octave = new Int32Array(c);
    this.level = new Int32Array(c);
    this.x = new Float64Array(c);
    this.y = new Float64Array(c);
    this.sigma = new Float64Array(c);
    this.response = new Float32Array(c);
    this.angle = new Float64Array(c);
  }

  push(octave: number, level: number, x: number, y: number, sigma: number, response: number, angle = 0): void {
    if (this.count === this.octave.length) this.grow();
    const i = this.count++;
    this.octave[i] = octave;
    this.level[i] = level;
    this.x[i] = x;
    this.y[i] = y;
    this.sigma[i] = sigma;
    this.response[i] = response;
    this.angle[i] = angle;
  }

  private grow(): void {
    const c = this.octave.length * 2;
    this.octave = copyInto(new Int32Array(c), this.octave);
    this.level = copyInto(new Int32Array(c), this.level);
    this.x = copyInto(new Float64Array(c), this.x);
    this.y = copyInto(new Float64Array(c), this.y);
    this.sigma = copyInto(new Float64Array(c), this.sigma);
    this.response = copyInto(new Float32Array(c), this.response);
    this.angle = copyInto(new Float64Array(c), this.angle);
  }
}

function copyInto<T extends Int32Array | Float32Array | Float64Array>(dst: T, src: T): T {
  dst.set(src as never);
  return dst;
}
