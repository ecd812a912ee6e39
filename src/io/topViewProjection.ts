/**
 * The frame of a reconstruction's top view: "up" as the mean of the cameras' −y axes (photos are
 * mostly taken upright, so the image's up direction averages to gravity's opposite, as OpenSfM's
 * `upright` alignment assumes), the picture's vertical as the cameras' mean viewing direction laid
 * flat, and the picture's extent from percentiles of the points so a few far outliers do not shrink
 * the scene to a dot.
 */

/** One camera for the top view: its centre and camFromWorld rotation (3 × 3 row-major, rows = camera x, y, z axes in the world). */
export interface TopViewCamera {
  centre: ArrayLike<number>;
  R: ArrayLike<number>;
}

/** An orthonormal frame: `right` and `forward` span the ground plane, `up` points to the viewer. */
export interface TopViewFrame {
  right: [number, number, number];
  forward: [number, number, number];
  up: [number, number, number];
}

type Vec = [number, number, number];
const dot = (a: Vec, b: Vec) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const unit = (a: Vec): Vec => {
  const n = Math.hypot(...a);
  return [a[0] / n, a[1] / n, a[2] / n];
};
/** `a` with its component along unit `u` removed. */
const flatten = (a: Vec, u: Vec): Vec => {
  const d = dot(a, u);
  return [a[0] - d * u[0], a[1] - d * u[1], a[2] - d * u[2]];
};

/**
 * The top-view frame of a set of cameras.
 *
 * Steps: (1) up = −mean of the cameras' y axes (row 2 of R), world −y when they cancel out;
 * (2) forward = the mean viewing direction (row 3 of R) with its up component removed, so the cameras
 * sit at the bottom of the picture looking up into it; the first camera's x axis laid flat when they
 * look straight down; (3) right = forward × up, so (right, forward, up) is right-handed and the view is
 * from above, not mirrored.
 *
 * @param cameras - at least one camera.
 * @example const { right, forward } = topViewFrame(cameras); // picture x = X·right, picture y = X·forward
 */
export function topViewFrame(cameras: readonly TopViewCamera[]): TopViewFrame {
  const sum = (row: number): Vec => {
    const s: Vec = [0, 0, 0];
    for (const c of cameras) for (let d = 0; d < 3; d++) s[d] += c.R[3 * row + d];
    return s;
  };
  const down = sum(1);
  const up = Math.hypot(...down) > 1e-6 * cameras.length ? unit([-down[0], -down[1], -down[2]]) : ([0, -1, 0] as Vec);
  let forward = flatten(sum(2), up);
  if (Math.hypot(...forward) < 1e-3 * cameras.length) forward = cross(up, flatten([cameras[0].R[0], cameras[0].R[1], cameras[0].R[2]], up));
  if (Math.hypot(...forward) < 1e-9) forward = cross(up, Math.abs(up[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]);
  forward = unit(forward);
  return { right: unit(cross(forward, up)), forward, up };
}

/** The q-quantile (0 … 1) of values, by sorting a copy (n log n; a top view has at most a few hundred thousand points). */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1), lo = Math.floor(at), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Projects `3 × n` world points onto the frame's ground plane.
 *
 * @returns `u` (along right), `v` (along forward) and `h` (height along up), n values each.
 */
export function projectTopView(xyz: ArrayLike<number>, frame: TopViewFrame): { u: Float64Array; v: Float64Array; h: Float64Array } {
  const n = Math.floor(xyz.length / 3), u = new Float64Array(n), v = new Float64Array(n), h = new Float64Array(n);
  const { right: r, forward: f, up } = frame;
  for (let k = 0; k < n; k++) {
    const x = xyz[3 * k], y = xyz[3 * k + 1], z = xyz[3 * k + 2];
    u[k] = r[0] * x + r[1] * y + r[2] * z;
    v[k] = f[0] * x + f[1] * y + f[2] * z;
    h[k] = up[0] * x + up[1] * y + up[2] * z;
  }
  return { u, v, h };
}
