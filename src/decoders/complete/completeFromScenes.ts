import { assert } from '../../core/errors.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import type { Image } from '../../core/image.ts';
import { labToRgb, rgbToLab } from '../../imgproc/color.ts';
import { resize } from '../../imgproc/resample.ts';
import { bandRadius, contextBand } from './contextBand.ts';
import { contextTemplate, matchContext, placeScene, PAPER_SCALES, type Placement } from './contextMatch.ts';
import { graphCutSeam } from './graphCutSeam.ts';
import { poissonBlend } from './poissonBlend.ts';
import { rankCompletions, type CostTerms } from './rank.ts';

/** A matched scene handed to the completion step. */
export interface SceneCandidate {
  /** Photo id in the collection (or any caller key). */
  id: number;
  /** The scene's pixels (RGB in [0, 1]); any size, it is rescaled to cover the query. */
  image: Image;
  /** Scene-matching distance (combined masked gist + colour), lower is better. */
  sceneDistance: number;
}

/** The scene-completion algorithm's tuning (Hays & Efros 2007 §4–5); the action's user-facing options are `CompleteOptions` in actions/complete.ts. */
export interface SceneCompletionParams {
  /** Completions returned (default 20). */
  k?: number;
  /** Context band radius in pixels (default `bandRadius(w, h)`: 80 px at 480 px). */
  bandRadius?: number;
  /** λ: texture SSD weight relative to the L*a*b* SSD (default 1). */
  textureWeight?: number;
  /** Relative scales searched (default 0.81, 0.90, 1.0). */
  scales?: readonly number[];
  /** κ of the seam's distance penalty (see graphCutSeam). */
  distanceCost?: number;
  /** Seams are cut for this many best candidates by scene + context cost (default: all). */
  seamCandidates?: number;
  /**
   * Leave out scenes whose context matches the query's to within this mean squared L*a*b* difference
   * per band pixel (default 4, i.e. ΔE ≈ 2, under the just-noticeable difference): they are copies of
   * the query itself (the photo is in the collection, perhaps re-encoded), which Hays & Efros's
   * collection never holds, and would "fill" the hole with the very pixels that were removed. 0 keeps them.
   */
  nearCopySsd?: number;
  /** Called with the id of each scene left out as a near copy. */
  onNearCopy?: (id: number) => void;
  /** One step per scene context-matched, then per seam cut and blend. */
  progress?: Progress;
}

/** One completion of the query. */
export interface Completion {
  id: number;
  placement: Placement;
  terms: CostTerms;
  normalised: CostTerms;
  score: number;
  seamLength: number;
  /** Pixels taken from the scene (hole + part of the band). */
  takenPixels: number;
  /** The completed photo, RGB, the query's size. */
  image: Image;
  /** Poisson solver iterations per L*a*b* channel. */
  blendIterations: number[];
}

/**
 * Scene completion from matched scenes (Hays & Efros 2007, §4–6): for every scene the best placement
 * over translations and scales (context matching with texture term), a graph-cut seam over the
 * context band, then ranking by normalised scene + context + seam cost; the top k are Poisson-blended
 * in L*a*b*.
 *
 * @param query RGB photo, `w × h`, values in [0, 1] (hole pixels are ignored)
 * @param mask `w*h`, 1 = hole; must leave a non-empty context band
 * @param scenes the scenes found by scene matching (usually 200)
 * @returns up to k completions, best first (scenes that cannot cover the band are dropped)
 * @example const best = completeFromScenes(photo, mask, scenes, { k: 3 })[0].image;
 */
export function completeFromScenes(query: Image, mask: Uint8Array, scenes: SceneCandidate[], options: SceneCompletionParams = {}): Completion[] {
  const { width: w, height: h } = query;
  assert(mask.length === w * h, 'mask matches the query');
  const queryLab = rgbToLab(query);
  const band = contextBand(mask, w, h, options.bandRadius ?? bandRadius(w, h));
  assert(band.count > 0, 'the hole leaves a context band');
  const template = contextTemplate(queryLab, band, options.textureWeight ?? 1);
  const progress = options.progress ?? silentProgress;
  const nearCopySsd = options.nearCopySsd ?? NEAR_COPY_SSD;
  const matched: { scene: SceneCandidate; sceneLab: Image; placement: Placement }[] = [];
  progress.start(scenes.length, 'context matching');
  for (const scene of scenes) {
    const sceneLab = rgbToLab(shrinkToCover(scene.image, w, h));
    const placement = matchContext(template, sceneLab, options.scales ?? PAPER_SCALES);
    if (placement && placement.colorSsd < nearCopySsd) options.onNearCopy?.(scene.id);
    else if (placement) matched.push({ scene, sceneLab, placement });
    progress.tick();
  }
  // Optionally cut seams only for the most promising candidates by scene + context.
  const pre = rankCompletions(matched.map((m) => ({ item: m, terms: { scene: m.scene.sceneDistance, context: m.placement.cost, seam: 0 } })));
  const keep = pre.slice(0, options.seamCandidates ?? pre.length).map((r) => r.item);
  progress.start(keep.length, 'graph-cut seams');
  const cut = keep.map((m) => {
    const placedLab = placeScene(m.sceneLab, m.placement, w, h);
    const seam = graphCutSeam(queryLab, placedLab, mask, band, { distanceCost: options.distanceCost });
    progress.tick();
    return { ...m, placedLab, seam };
  });
  const ranked = rankCompletions(cut.map((c) => ({ item: c, terms: { scene: c.scene.sceneDistance, context: c.placement.cost, seam: c.seam.cost } })));
  const best = ranked.slice(0, options.k ?? 20);
  progress.start(best.length, 'Poisson blending');
  return best.map((r) => {
    const c = r.item;
    const blended = poissonBlend(queryLab, c.placedLab, c.seam.take);
    progress.tick();
    let takenPixels = 0;
    for (let i = 0; i < w * h; i++) takenPixels += c.seam.take[i];
    return {
      id: c.scene.id,
      placement: c.placement,
      terms: r.terms,
      normalised: r.normalised,
      score: r.score,
      seamLength: c.seam.length,
      takenPixels,
      image: labToRgb(blended.image),
      blendIterations: blended.reports.map((x) => x.iterations),
    };
  });
}

/** Default `nearCopySsd`: ΔE ≈ 2 RMS over the whole band, below the just-noticeable difference (≈ 2.3). */
export const NEAR_COPY_SSD = 4;

/** Scenes much larger than the query are first shrunk to just cover it (context matching resizes anyway). */
function shrinkToCover(scene: Image, w: number, h: number): Image {
  const f = Math.max(w / scene.width, h / scene.height);
  if (f >= 0.9) return scene;
  return resize(scene, Math.max(w, Math.round(scene.width * f)), Math.max(h, Math.round(scene.height * f)));
}
