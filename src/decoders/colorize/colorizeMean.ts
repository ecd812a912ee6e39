import type { Image } from '../../core/image.ts';
import { lightness, meanChroma, recombineLab } from './meanChroma.ts';
import type { ColorizeTuning, Colorized } from './methods.ts';

/**
 * Mean-chroma colorization: the matches' a*, b* averaged on a `thumbnail`² grid, enlarged bilinearly,
 * recombined with the input's L* (the lecture's encoder–decoder example; Torralba, Fergus & Freeman,
 * PAMI 2008).
 * @param input the photo to colorize (gray or colour; only its L* is used)
 * @param matches colour photos (at least one)
 * @example const { image } = colorizeMean(gray, matches, { thumbnail: 32 })
 */
export function colorizeMean(input: Image, matches: readonly Image[], params: ColorizeTuning): Colorized {
  const t = params.thumbnail ?? 32;
  const chroma = meanChroma(matches, t, t);
  return { image: recombineLab(lightness(input), input.width, input.height, chroma), chroma };
}
