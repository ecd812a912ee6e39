/**
 * The completion methods: the registry that feeds `deja complete --method`, the HTTP API's `method`
 * field, the OpenAPI enum and the web page's menu. A new method (a network, say) is one file with its
 * `CompletionMethod` plus one line here.
 */
import type { Image } from '../../core/image.ts';
import type { Progress } from '../../core/progress.ts';
import { methodNames, type MethodEntry } from '../../core/methodRegistry.ts';
import { completeFromScenes, type Completion, type SceneCandidate } from './completeFromScenes.ts';
import { diffusionFill } from './diffusionFill.ts';
import { textureSynthesis } from './textureSynthesis.ts';

/** What a completion method gets: the photo, its hole, and (for methods that use them) the matched scenes. */
export interface CompletionInput {
  /** RGB photo, `w × h`, values in [0, 1]. */
  image: Image;
  /** `w*h`, 1 = hole. */
  mask: Uint8Array;
  /** Completions wanted. */
  k: number;
  seed: number;
  /** Scenes from scene matching, best first (empty for methods that do not use them). */
  scenes: SceneCandidate[];
  progress: Progress;
  /** Called with the id of each scene left out because it is a copy of the photo. */
  onNearCopy?: (id: number) => void;
}

/** One fill of the hole; `scene` is set when it came from a collection scene. */
export interface CompletionFill {
  image: Image;
  scene: Completion | null;
}

export interface CompletionMethod extends MethodEntry {
  /** Whether scene matching against the collection runs first (and a collection is needed). */
  usesScenes: boolean;
  /** Fills the hole; at most `k` results, best first. */
  complete(input: CompletionInput): CompletionFill[];
}

export const COMPLETE_METHODS = Object.freeze({
  scene: {
    description: 'Hays & Efros 2007: context-matched, seam-cut, Poisson-blended fills from the most similar scenes of the collection',
    usesScenes: true,
    complete: ({ image, mask, k, scenes, progress, onNearCopy }) => completeFromScenes(image, mask, scenes, { k, progress, onNearCopy }).map((c) => ({ image: c.image, scene: c })),
  },
  diffusion: {
    description: 'baseline: membrane (Laplace) fill from the hole border, one result',
    usesScenes: false,
    complete: ({ image, mask }) => [{ image: diffusionFill(image, mask).image, scene: null }],
  },
  texture: {
    description: 'baseline: Efros & Leung 1999 texture synthesis from the photo itself, up to 5 seeds',
    usesScenes: false,
    complete: ({ image, mask, k, seed }) => Array.from({ length: Math.min(k, 5) }, (_, s) => ({ image: textureSynthesis(image, mask, { seed: seed + s }).image, scene: null })),
  },
} satisfies Record<string, CompletionMethod>);

export type CompleteMethodName = keyof typeof COMPLETE_METHODS;

/** The method names, registry order: what `z.enum` and commander's `.choices` take. */
export const COMPLETE_METHOD_NAMES = methodNames(COMPLETE_METHODS);

/** The method used when none is asked for. */
export const DEFAULT_COMPLETE_METHOD: CompleteMethodName = 'scene';

