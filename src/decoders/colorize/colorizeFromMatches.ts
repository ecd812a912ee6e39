import { assert } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { COLORIZE_METHODS, type ColorizeMethod, type ColorizeTuning, type Colorized } from './methods.ts';

export type { ColorizeMethod, Colorized } from './methods.ts';

export interface ColorizeParams extends ColorizeTuning {
  /** A method of `COLORIZE_METHODS`: `mean` or `transfer`. */
  method: ColorizeMethod;
}

/**
 * Decodes colour for a grayscale photo from its nearest colour photos with one method of the registry
 * (the lecture's encoder–decoder example; Torralba, Fergus & Freeman, PAMI 2008):
 *
 * - `mean`: the matches' a*, b* averaged on a `thumbnail`² grid, enlarged bilinearly, recombined with
 *   the input's L*;
 * - `transfer`: per pixel, colour from the best `transferSources` matches by luminance-and-texture
 *   matching with a position term (Welsh, Ashikhmin & Mueller, SIGGRAPH 2002, §3) on a working grid,
 *   then enlarged with the fast guided filter (He & Sun 2015) so colour follows the input's own edges.
 *
 * @param input the photo to colorize (gray or colour; only its L* is used)
 * @param matches colour photos, best match first (at least one)
 * @example const { image } = colorizeFromMatches(gray, matches, { method: 'transfer' })
 */
export function colorizeFromMatches(input: Image, matches: readonly Image[], params: ColorizeParams): Colorized {
  assert(matches.length > 0, 'colorizeFromMatches needs at least one match');
  return COLORIZE_METHODS[params.method].colorize(input, matches, params);
}
