/**
 * The colorization methods: the registry that feeds `deja colorize --method`, the HTTP API's `method`
 * field, the OpenAPI enum and the web page's menu. A new method is one file with its function plus
 * one line here.
 */
import type { Image } from '../../core/image.ts';
import { methodNames, type MethodEntry } from '../../core/methodRegistry.ts';
import type { Chroma } from './meanChroma.ts';
import { colorizeMean } from './colorizeMean.ts';
import { colorizeTransfer } from './colorizeTransfer.ts';

/** Tuning shared by the methods; each reads the fields it knows. */
export interface ColorizeTuning {
  /** `mean`: side of the square thumbnail grid the matches' chroma is averaged on (the tiny-image size, 32). */
  thumbnail?: number;
  /** `transfer`: longer side of the working grid where colour is transferred, in pixels. */
  workingSide?: number;
  /** `transfer`: how many of the best matches give samples. */
  transferSources?: number;
  /** `transfer`: samples per source photo (Welsh et al. 2002, §3: about 200). */
  samplesPerSource?: number;
  /** `transfer`: weight of position in the frame against luminance statistics (0 = global matching). */
  spatialWeight?: number;
  /** `transfer`: each pixel averages the chroma of this many best-matching samples. */
  samplesPerPixel?: number;
  /** `transfer`: guided-filter radius on the working grid, in pixels (He et al. 2013). */
  guidedRadius?: number;
  /** `transfer`: guided-filter ε for a guide of L* ÷ 100 (larger = smoother colour). */
  guidedEps?: number;
  /** Seed of the transfer's sample jitter. */
  seed?: number;
}

export interface Colorized {
  /** The result: the input's own L* with the decoded a*, b* (sRGB, input size). */
  image: Image;
  /** The decoded chroma before recombination (working grid for `transfer`, thumbnail grid for `mean`). */
  chroma: Chroma;
}

export interface ColorizationMethod extends MethodEntry {
  /**
   * Colour for `input` (only its L* is used) from colour `matches`, best first (at least one).
   */
  colorize(input: Image, matches: readonly Image[], params: ColorizeTuning): Colorized;
}

export const COLORIZE_METHODS = Object.freeze({
  mean: { description: 'the matches\' a*, b* averaged on a 32×32 grid and enlarged (the lecture\'s example)', colorize: colorizeMean },
  transfer: { description: 'Welsh et al. 2002 luminance-and-texture transfer from the best matches, guided-filter upsampling', colorize: colorizeTransfer },
} satisfies Record<string, ColorizationMethod>);

export type ColorizeMethod = keyof typeof COLORIZE_METHODS;

/** The method names, registry order: what `z.enum` and commander's `.choices` take. */
export const COLORIZE_METHOD_NAMES = methodNames(COLORIZE_METHODS);

/** The method used when none is asked for. */
export const DEFAULT_COLORIZE_METHOD: ColorizeMethod = 'transfer';
