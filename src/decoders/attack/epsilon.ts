import { DejaError } from '../../core/errors.ts';

/**
 * Parses an L∞ radius as written on the command line: a fraction `8/255` or a number `0.03`, in pixel
 * units of [0, 1].
 * @param option the option's name for the message, e.g. `--eps`
 * @throws DejaError BAD_ARGUMENT for text that is not a number or fraction, or a value outside [0, 1]
 * @example parseEpsilon('8/255') // 0.03137…
 */
export function parseEpsilon(text: string, option = '--eps'): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e-?\d+)?)\s*(?:\/\s*([0-9]*\.?[0-9]+))?\s*$/i.exec(text);
  const value = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new DejaError('BAD_ARGUMENT', `Expected a number between 0 and 1 for ${option} but received ${JSON.stringify(text)}`, {
      hint: 'ε is in pixel units of [0, 1]: write a fraction such as 8/255 or a number such as 0.03',
    });
  return value;
}

/** A comma-separated list of radii, e.g. `1/255,2/255,4/255,8/255,16/255`. */
export function parseEpsilonList(text: string, option = '--eps'): number[] {
  return text.split(',').map((t) => parseEpsilon(t, option));
}

/** A radius as people write it: `8/255` when it is a whole number of 8-bit steps, else the number. */
export function formatEpsilon(eps: number): string {
  const k = eps * 255;
  return Math.abs(k - Math.round(k)) < 1e-6 ? `${Math.round(k)}/255` : String(Number(eps.toPrecision(4)));
}
