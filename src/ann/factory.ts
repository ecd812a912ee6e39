import { DejaError } from '../core/errors.ts';
import type { Metric } from '../core/metric.ts';
import { FlatIndex } from './flat.ts';
import { HNSW_DEFAULTS, HnswIndex, type HnswParams, type HnswScalar } from './hnsw.ts';
import { readIndexMeta, type IndexMeta } from './indexMeta.ts';
import { PcaIndex } from './pca.ts';
import type { VectorIndex } from './vectorIndex.ts';

/** The spec forms `createIndex` understands, as shown in error messages. */
export const INDEX_SPEC_FORMS = ['Flat', 'HNSW<M>[_SQfp16|_SQ8][_efc<n>][_ef<n>]', 'PCA<d>,<inner>'] as const;

/** Storage suffixes of `HNSW<M>` (FAISS `IndexHNSWSQ` names): half floats, or int8 (cosine only). */
const SCALAR_OF_SUFFIX: Readonly<Record<string, HnswScalar>> = Object.freeze({ SQfp16: 'f16', SQ8: 'i8' });

/** One parsed element of an index spec chain. */
export type IndexSpecPart = { kind: 'Flat' } | { kind: 'HNSW'; params: HnswParams } | { kind: 'PCA'; outDim: number };

/**
 * Parses a FAISS-style index spec into its chain of parts, outermost first.
 * Forms: `Flat` (exact), `HNSW<M>` with an optional storage suffix (`_SQfp16`: vectors held as
 * float16, half the memory; `_SQ8`: int8, a quarter, cosine metric only), then optional
 * `_efc<efConstruction>` and `_ef<efSearch>` (e.g. `HNSW32`, `HNSW32_SQfp16`, `HNSW16_ef128`,
 * `HNSW48_SQ8_efc200_ef96`), and `PCA<d>,<inner>` (e.g. `PCA128,HNSW32`, `PCA256,HNSW32_SQfp16`).
 * A chain is any number of PCA steps ending in Flat or HNSW.
 *
 * @throws DejaError UNKNOWN_NAME listing the valid forms when the spec does not parse.
 * @example
 * parseIndexSpec('PCA128,HNSW32'); // [{ kind: 'PCA', outDim: 128 }, { kind: 'HNSW', params: { m: 32, efConstruction: 128, efSearch: 64 } }]
 */
export function parseIndexSpec(spec: string): IndexSpecPart[] {
  const tokens = spec.split(',').map((t) => t.trim());
  const parts = tokens.map((t) => parsePart(t, spec));
  const last = parts[parts.length - 1];
  if (!last || last.kind === 'PCA' || parts.slice(0, -1).some((p) => p.kind !== 'PCA')) throw unknownSpec(spec);
  return parts;
}

function parsePart(token: string, spec: string): IndexSpecPart {
  if (token === 'Flat') return { kind: 'Flat' };
  const pca = /^PCA(\d+)$/.exec(token);
  if (pca) return { kind: 'PCA', outDim: Number(pca[1]) };
  const hnsw = /^HNSW(\d+)(?:_(SQfp16|SQ8))?(?:_efc(\d+))?(?:_ef(\d+))?$/.exec(token);
  if (hnsw) {
    const params: HnswParams = {
      m: Number(hnsw[1]),
      efConstruction: hnsw[3] === undefined ? HNSW_DEFAULTS.efConstruction : Number(hnsw[3]),
      efSearch: hnsw[4] === undefined ? HNSW_DEFAULTS.efSearch : Number(hnsw[4]),
    };
    if (hnsw[2] !== undefined) params.scalar = SCALAR_OF_SUFFIX[hnsw[2]];
    return { kind: 'HNSW', params };
  }
  throw unknownSpec(spec);
}

function unknownSpec(spec: string): DejaError {
  return new DejaError('UNKNOWN_NAME', `unknown index spec "${spec}": must be one of [${INDEX_SPEC_FORMS.join(', ')}]`, {
    hint: 'e.g. --index Flat, --index HNSW32, --index HNSW32_SQfp16 (half the memory) or --index PCA128,HNSW32',
  });
}

/**
 * Builds an empty index from a spec string (FAISS `index_factory`).
 *
 * @param spec - see `parseIndexSpec`.
 * @param dim - dimension of the vectors the index takes (≥ 1).
 * @param metric - `l2` (squared distances) or `cosine` (1 − similarity).
 * @throws DejaError UNKNOWN_NAME for an unparsable spec; BAD_ARGUMENT for out-of-range numbers
 *   (HNSW M < 2 or > 256, ef < 1, PCA d not in 1 … dim) and for `_SQ8` with the l2 metric.
 * @example
 * const index = createIndex('PCA128,HNSW32', 3072, 'l2');
 * index.train(sample, 20_000);
 *
 * References: Johnson, Douze & Jégou, "Billion-scale similarity search with GPUs", 2017 (the FAISS
 * index factory); Malkov & Yashunin, PAMI 2018, §4 (HNSW parameters).
 */
export function createIndex(spec: string, dim: number, metric: Metric): VectorIndex {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new DejaError('BAD_ARGUMENT', `Expected a positive integer for the index dimension but received ${dim}`);
  }
  return build(parseIndexSpec(spec), dim, metric, spec);
}

function build(parts: IndexSpecPart[], dim: number, metric: Metric, spec: string): VectorIndex {
  const [head, ...rest] = parts;
  switch (head.kind) {
    case 'Flat':
      return new FlatIndex(dim, metric);
    case 'HNSW': {
      const { m, efConstruction, efSearch } = head.params;
      if (m < 2 || m > 256 || efConstruction < 1 || efSearch < 1) {
        throw new DejaError('BAD_ARGUMENT', `Expected HNSW M between 2 and 256 and ef >= 1 in "${spec}" but received M=${m}, efc=${efConstruction}, ef=${efSearch}`, {
          hint: 'HNSW32 is a good default',
        });
      }
      return new HnswIndex(dim, metric, head.params);
    }
    case 'PCA':
      if (head.outDim < 1 || head.outDim > dim) {
        throw new DejaError('BAD_ARGUMENT', `Expected PCA dimension between 1 and ${dim} in "${spec}" but received ${head.outDim}`, {
          hint: `reduce to at most the descriptor dimension (${dim})`,
        });
      }
      return new PcaIndex(dim, head.outDim, metric, build(rest, head.outDim, 'l2', spec));
  }
}

/**
 * Opens an index saved with `VectorIndex.save(path)`, whatever its kind, from its `<path>.json`
 * sidecar. Every data file is checked against the size and SHA-256 its sidecar records before it is
 * parsed, so a torn or corrupt file is refused with IO_ERROR instead of reaching a native loader.
 *
 * @throws DejaError NOT_FOUND when the index or its sidecar is missing; IO_ERROR when they disagree.
 * @example
 * const index = loadIndex('collection/index/gist.hnsw');
 */
export function loadIndex(path: string, options: LoadIndexOptions = {}): VectorIndex {
  return loadIndexWithMeta(path, readIndexMeta(path), options);
}

/** How `loadIndex` opens a saved index. */
export interface LoadIndexOptions {
  /**
   * Memory-map HNSW graphs read-only (usearch `view`) instead of reading them into the heap: for
   * search-only use; `add` and `remove` on such an index are refused. Other kinds are read as usual.
   */
  view?: boolean;
  /**
   * HNSW search breadth to use instead of the saved one: ef is a search-time setting (Malkov & Yashunin
   * 2018, §4), so one saved graph serves every ef.
   */
  efSearch?: number;
}

/** `loadIndex` with the sidecar already read and checked (`readIndexMeta`). */
export function loadIndexWithMeta(path: string, meta: IndexMeta, options: LoadIndexOptions = {}): VectorIndex {
  const [head] = parseIndexSpec(meta.spec);
  switch (head.kind) {
    case 'Flat':
      return FlatIndex.load(path, meta);
    case 'HNSW':
      return HnswIndex.load(path, meta, options.efSearch === undefined ? head.params : { ...head.params, efSearch: options.efSearch }, options);
    case 'PCA':
      return PcaIndex.load(path, meta, head.outDim, (p, m) => loadIndexWithMeta(p, m, options));
  }
}

/**
 * The part of an index spec that decides what is built and saved: the spec without HNSW's search-time
 * `_ef<n>` (e.g. `PCA128,HNSW32_ef5000` → `PCA128,HNSW32`), so indexes that differ only in ef share a file.
 */
export function builtIndexSpec(spec: string): string {
  return spec.replace(/_ef\d+/g, '');
}

/** The HNSW search breadth a spec asks for, or undefined for a spec without an HNSW part. */
export function specEfSearch(spec: string): number | undefined {
  const last = parseIndexSpec(spec).at(-1);
  return last?.kind === 'HNSW' ? last.params.efSearch : undefined;
}
