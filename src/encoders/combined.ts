import type { Image } from '../core/image.ts';
import type { Encoder } from './encoder.ts';
import { createEncoderResolved, parseCombinedSpec } from './factory.ts';

/** One encoder of a combined descriptor and its weight w_e. */
export interface WeightedEncoder {
  encoder: Encoder;
  /** w_e ≥ 0. */
  weight: number;
}

/**
 * A combined descriptor such as `gist+tiny+lab-hist:w=2,1,1`: several encoders, each with a weight. Its
 * one meaning, wherever it is used (search, locate, classify, their evaluations), is the distance
 * d(x, q) = Σ_e w_e · d_e(x_e, q_e) / s_e, where d_e is encoder e's own distance (squared L2 or
 * 1 − cos) and s_e its median pair distance in the collection (`combinedScale` in ann/combined.ts,
 * cached per collection by `Collection.distanceScale`).
 */
export interface CombinedEncoder {
  /** The spec as given, e.g. `gist+tiny:w=2,1`. */
  readonly spec: string;
  /** The encoders in spec order, with their weights. */
  readonly parts: readonly WeightedEncoder[];
  /** Shorter side, in pixels, a decoded photo should have for every part. */
  readonly inputSize: number;
  /** One descriptor per part, in spec order. */
  encode(image: Image): Promise<Float32Array[]>;
}

/**
 * Builds the encoders of a (possibly single) combined spec.
 * @param spec - `a+b+…[:w=wa,wb,…]`; weights default to 1 (see `parseCombinedSpec`).
 * @throws DejaError BAD_ARGUMENT for a malformed spec or weights, UNKNOWN_NAME for an unknown encoder.
 * @example
 * const combined = await createCombinedEncoder('gist+tiny+lab-hist:w=2,1,1');
 * const [gist, tiny, hist] = await combined.encode(image);
 *
 * References: Hays & Efros, "IM2GPS", CVPR 2008, §3 (gist, tiny images and colour histograms, each
 * distance normalised, summed); Hays & Efros, SIGGRAPH 2007, §3 (weighted gist + colour).
 */
export async function createCombinedEncoder(spec: string): Promise<CombinedEncoder> {
  const weighted = parseCombinedSpec(spec);
  const parts = await Promise.all(weighted.map(async (w) => ({ encoder: await createEncoderResolved(w.spec), weight: w.weight })));
  return {
    spec,
    parts,
    inputSize: Math.max(...parts.map((p) => p.encoder.inputSize)),
    async encode(image: Image): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (const p of parts) out.push(await p.encoder.encode(image));
      return out;
    },
  };
}
