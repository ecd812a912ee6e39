import { unknownName } from '../core/errors.ts';
import type { EncoderFactory } from './encoder.ts';
import { tinyColorFactory, tinyGrayFactory } from './tiny.ts';
import { labHistFactory } from './labHist.ts';
import { gistFactory, gistGrayFactory, gistLearFactory } from './gist.ts';
import { cnnFactory } from './cnn.ts';

/** Every encoder Deja knows, by name. Adding one is one file and one line here. */
export const ENCODERS: Readonly<Record<string, EncoderFactory>> = Object.freeze({
  tiny: tinyColorFactory,
  'tiny-gray': tinyGrayFactory,
  gist: gistFactory,
  'gist-gray': gistGrayFactory,
  'gist-lear': gistLearFactory,
  'lab-hist': labHistFactory,
  cnn: cnnFactory,
});

export function encoderNames(): string[] {
  return Object.keys(ENCODERS);
}

export function encoderFactory(name: string): EncoderFactory {
  const f = ENCODERS[name];
  if (!f) throw unknownName('encoder', name, encoderNames());
  return f;
}
