/**
 * Feature tracks: the connected components of verified matches over all images (union-find over
 * (image, feature) nodes), as Bundler and OpenMVG build them before incremental mapping. A component
 * that holds two features of one image is inconsistent there: that image's features are dropped
 * from the track.
 */

/** One verified pair as the mapper reads it: feature indices of matches and the inlier mask. */
export interface VerifiedPair {
  i: number;
  j: number;
  /** `count × 2` feature indices (in i, in j), e.g. `DescriptorMatches`. */
  matches: { count: number; pairs: Int32Array };
  /** 1 for each verified match; null counts no match. */
  inliers: Uint8Array | null;
  inlierCount: number;
}

/** Tracks in compressed form: track k's observations are offsets[k] … offsets[k + 1] − 1. */
export interface Tracks {
  count: number;
  offsets: Int32Array;
  image: Int32Array;
  feature: Int32Array;
  /** Per image, the track of each feature (−1 for none), `featureCounts[i]` values. */
  featureTrack: Int32Array[];
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/**
 * Tracks from the verified inliers of image pairs.
 *
 * Algorithm: (1) one node per (image, feature), union of the two nodes of every inlier match
 * (path halving, union by index); (2) components of at least two nodes become tracks; (3) an image
 * seen twice in one component is removed from it; components left with fewer than two images are
 * dropped.
 *
 * @param featureCounts - keypoints per image.
 * @param pairs - verified pairs (feature indices within range).
 * @returns the tracks, their observations sorted by image, and each feature's track.
 * @example
 * const tracks = buildTracks(features.map((f) => f.count), matching.pairs);
 *
 * References: N. Snavely, S. Seitz, R. Szeliski, "Photo Tourism", SIGGRAPH 2006, §4.1 (tracks);
 * P. Moulon, P. Monasse, "Unordered feature tracking made fast and easy", CVMP 2012 (union-find).
 */
export function buildTracks(featureCounts: readonly number[], pairs: readonly VerifiedPair[]): Tracks {
  const base = new Int32Array(featureCounts.length + 1);
  featureCounts.forEach((c, i) => (base[i + 1] = base[i] + c));
  const total = base[featureCounts.length];
  const parent = Int32Array.from({ length: total }, (_, k) => k);
  const linked = new Uint8Array(total);
  for (const p of pairs) {
    if (!p.inliers) continue;
    for (let t = 0; t < p.matches.count; t++) {
      if (!p.inliers[t]) continue;
      const a = find(parent, base[p.i] + p.matches.pairs[2 * t]), b = find(parent, base[p.j] + p.matches.pairs[2 * t + 1]);
      linked[base[p.i] + p.matches.pairs[2 * t]] = linked[base[p.j] + p.matches.pairs[2 * t + 1]] = 1;
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const members = new Map<number, number[]>();
  for (let node = 0; node < total; node++) {
    if (!linked[node]) continue;
    const root = find(parent, node);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(node);
  }
  const imageOf = (node: number) => {
    let lo = 0, hi = featureCounts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (base[mid] <= node) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const offsets = [0], image: number[] = [], feature: number[] = [];
  const featureTrack = featureCounts.map((c) => new Int32Array(c).fill(-1));
  for (const nodes of members.values()) {
    const images = nodes.map(imageOf);
    const seen = new Map<number, number>();
    for (const im of images) seen.set(im, (seen.get(im) ?? 0) + 1);
    const kept = nodes.filter((_, k) => seen.get(images[k]) === 1);
    if (kept.length < 2) continue;
    const track = offsets.length - 1;
    for (const node of kept) {
      const im = imageOf(node);
      image.push(im);
      feature.push(node - base[im]);
      featureTrack[im][node - base[im]] = track;
    }
    offsets.push(image.length);
  }
  return { count: offsets.length - 1, offsets: Int32Array.from(offsets), image: Int32Array.from(image), feature: Int32Array.from(feature), featureTrack };
}

/**
 * Pairs with each feature replaced by the first feature of its image at the same (x, y): SIFT gives
 * one keypoint per dominant orientation, so one image location can be several features, which would
 * otherwise become several identical tracks (or one track that sees the image twice).
 *
 * @param keypoints - per image, `count × stride` values, x and y first.
 * @returns the pairs with remapped feature indices (inliers and counts unchanged).
 */
export function mergeColocatedFeatures(keypoints: readonly Float32Array[], stride: number, pairs: readonly VerifiedPair[]): VerifiedPair[] {
  const canonical = keypoints.map((k) => {
    const first = new Map<string, number>(), out = new Int32Array(k.length / stride);
    for (let f = 0; f < out.length; f++) {
      const key = `${k[stride * f]},${k[stride * f + 1]}`;
      const c = first.get(key);
      if (c === undefined) first.set(key, (out[f] = f));
      else out[f] = c;
    }
    return out;
  });
  return pairs.map((p) => {
    const m = new Int32Array(p.matches.pairs.length);
    for (let t = 0; t < p.matches.count; t++) [m[2 * t], m[2 * t + 1]] = [canonical[p.i][p.matches.pairs[2 * t]], canonical[p.j][p.matches.pairs[2 * t + 1]]];
    return { ...p, matches: { count: p.matches.count, pairs: m } };
  });
}
