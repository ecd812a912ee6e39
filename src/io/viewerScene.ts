/**
 * `scene.json`: a reconstruction in the compact form the web viewer draws (points as flat xyz and rgb
 * arrays, cameras with their pose and intrinsics), capped in size so a browser parses it in well under
 * a second. COLMAP's text model stays the full record; this is the picture.
 */

/** One camera of the viewer scene. */
export interface ViewerCamera {
  /** Input image index (the label of topview.png). */
  index: number;
  name: string;
  /** Centre in world coordinates. */
  centre: number[];
  /** camFromWorld rotation, 3 × 3 row-major. */
  rotation: number[];
  /** Focal length, pixels of the decoded size. */
  focal: number;
  width: number;
  height: number;
}

/** The whole `scene.json`. */
export interface ViewerScene {
  /** Points kept (at most the cap) and points in the model. */
  points: { count: number; total: number; xyz: number[]; rgb: number[] };
  cameras: ViewerCamera[];
}

/** Rounds to 6 significant digits: float32 precision, half the JSON of 17. */
const short = (x: number) => Number(x.toPrecision(6));

/**
 * The viewer scene of a model; with more than `maxPoints` points every k-th is kept (an even thinning
 * that keeps the shape, where a prefix would keep only what was triangulated first).
 *
 * @param xyz - `3 × n` point coordinates.
 * @param rgb - `3 × n` colour bytes.
 * @param cameras - the registered cameras.
 * @param maxPoints - cap on the points kept (default 200,000).
 * @example fs.writeFileSync('scene.json', JSON.stringify(viewerScene(xyz, rgb, cameras)));
 */
export function viewerScene(xyz: ArrayLike<number>, rgb: ArrayLike<number>, cameras: readonly ViewerCamera[], maxPoints = 200_000): ViewerScene {
  const total = Math.floor(xyz.length / 3), step = Math.max(1, Math.ceil(total / maxPoints));
  const keptXyz: number[] = [], keptRgb: number[] = [];
  for (let k = 0; k < total; k += step) {
    for (let d = 0; d < 3; d++) keptXyz.push(short(xyz[3 * k + d]));
    for (let d = 0; d < 3; d++) keptRgb.push(rgb[3 * k + d]);
  }
  return {
    points: { count: keptXyz.length / 3, total, xyz: keptXyz, rgb: keptRgb },
    cameras: cameras.map((c) => ({ ...c, centre: c.centre.map(short), rotation: c.rotation.map((r) => Number(r.toPrecision(9))), focal: short(c.focal) })),
  };
}
