import type { Image } from '../core/image.ts';
import type { Metric } from '../core/metric.ts';

export type { Metric };

/**
 * Photo → descriptor. One file per encoder; one line in `registry.ts` adds it.
 * `spec` (name plus options) and `version` travel with every descriptor file and index, and a mismatch
 * is refused (see store/descriptorFile.ts).
 */
export interface Encoder {
  /** Registry name, e.g. `gist`. */
  readonly name: string;
  /** Canonical spec string including every option that changes the output, e.g. `gist(grid=4,orientations=8/8/8/8)`. */
  readonly spec: string;
  /** Bumped whenever the output for the same spec changes. */
  readonly version: number;
  /** Descriptor length (float32 values). */
  readonly dim: number;
  /** Shorter side, in pixels, the decoded photo should at least have (drives sharp's shrink-on-load). */
  readonly inputSize: number;
  /** The distance the descriptor is designed for. */
  readonly metric: Metric;
  /** Descriptor of one decoded photo (values are finite). */
  encode(image: Image): Float32Array | Promise<Float32Array>;
  /**
   * Descriptors of several photos at once, in order (one network run per batch, for instance).
   * Optional: `encodeBatch(encoder, images)` loops over `encode` for encoders without it.
   */
  encodeBatch?(images: readonly Image[]): Promise<Float32Array[]>;
}

/**
 * Descriptors of several decoded photos, in order: the encoder's own `encodeBatch` when it has one,
 * else `encode` on each photo in turn. Both give the same values.
 * @example const [a, b] = await encodeBatch(createEncoder('gist'), [photoA, photoB]);
 */
export async function encodeBatch(encoder: Encoder, images: readonly Image[]): Promise<Float32Array[]> {
  if (encoder.encodeBatch) return encoder.encodeBatch(images);
  const out: Float32Array[] = [];
  for (const image of images) out.push(await encoder.encode(image));
  return out;
}

/** Builds an encoder from its options (the key=value pairs of a spec string). */
export interface EncoderFactory {
  readonly name: string;
  /** One line for `deja encoders` and `--help`. */
  readonly description: string;
  /** Option names accepted in the spec (anything else is refused). */
  readonly options: readonly string[];
  create(options: Readonly<Record<string, string>>): Encoder;
}

/** `name(k=v,k2=v2)` with keys sorted: the same options always give the same spec. */
export function canonicalSpec(name: string, options: Readonly<Record<string, string>>): string {
  const keys = Object.keys(options).sort();
  if (keys.length === 0) return name;
  return `${name}(${keys.map((k) => `${k}=${options[k]}`).join(',')})`;
}
