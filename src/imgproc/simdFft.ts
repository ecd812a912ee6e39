import { assert } from '../core/errors.ts';
import { fftPlan } from './fft.ts';
import { I32, V128, compileOnce, f64const, get, i32, memoryModule, set, simd, uleb, vector } from '../math/wasmEmitter.ts';

/**
 * Batched complex FFTs in WebAssembly SIMD (f64x2, or f32x4 with {@link SimdFftBatch.createF32}), generated as bytes at load time like the k-NN dot kernel
 * (`math/simdDot.ts`): no toolchain, no binary blob in the repository.
 *
 * Same algorithm and the same arithmetic as {@link FftPlan.forwardBatch}: Stockham DIF stages of radix 5, 3, 4
 * and 2 in the same order with the same twiddles, each butterfly's operations in the same order without fused
 * multiply–adds, so the results are bit-identical to the scalar path (tested). The two lanes hold two adjacent
 * transforms of the batch (columns q, q+1), so the batch must be even; twiddles are broadcast.
 *
 * Planes live in the instance's linear memory ({@link SimdFftBatch.plane}); transforms are in place and
 * unnormalised. Lengths with another prime factor (e.g. 266 = 2·7·19) are refused ({@link SimdFftBatch.create}
 * returns null) and keep the scalar path.
 *
 * References: Van Loan, "Computational Frameworks for the Fast Fourier Transform", SIAM 1992, §1.7 (Stockham);
 * the WebAssembly SIMD proposal (fixed-width 128-bit SIMD, 2021).
 */
export class SimdFftBatch<T extends Float64Array | Float32Array = Float64Array> {
  readonly n: number;
  readonly precision: FftPrecision;
  /** Elements per v128: transforms per vector, so batches are multiples of it. */
  readonly lanes: number;
  private readonly es: number;
  private readonly elements: T;
  private readonly stage: Record<number, (...args: number[]) => void>;
  private readonly stages: { p: number; m: number; twr: number; twi: number }[];
  private readonly scratchR: number;
  private readonly scratchI: number;
  private readonly planes: number[];
  private readonly planeLengths: readonly number[];
  private readonly views: T[];
  private readonly magnitudes: (...args: number[]) => void;
  private readonly maxBatch: number;

  private readonly floatPlanes: number[];
  private readonly floatViews: Float32Array[];
  private readonly gatherKernel: (...args: number[]) => void;
  private readonly transposeKernel: (...args: number[]) => void;

  private constructor(n: number, planeLengths: readonly number[], maxBatch: number, floatLengths: readonly number[], module: WebAssembly.Module, precision: FftPrecision) {
    const plan = fftPlan(n);
    const factors = plan.factors;
    const o = OPS[precision];
    let bytes = 0;
    const take = (count: number, size: number): number => {
      const at = bytes;
      bytes += Math.ceil((count * size) / 16) * 16;
      return at;
    };
    const twPtrs: { p: number; m: number; twr: number; twi: number }[] = [];
    let len = n;
    for (const p of factors) {
      const m = len / p;
      twPtrs.push({ p, m, twr: take(m * (p - 1), o.es), twi: take(m * (p - 1), o.es) });
      len = m;
    }
    this.scratchR = take(n * maxBatch, o.es);
    this.scratchI = take(n * maxBatch, o.es);
    this.planes = planeLengths.map((l) => take(l, o.es));
    this.planeLengths = planeLengths;
    // Float planes get spare room so 16-byte loads at their end stay inside.
    this.floatPlanes = floatLengths.map((l) => take(l + 4, 4));
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
    const view = (at: number, length: number): T => (precision === 'f64' ? new Float64Array(memory.buffer, at, length) : new Float32Array(memory.buffer, at, length)) as T;
    this.elements = view(0, bytes / o.es);
    this.n = n;
    this.precision = precision;
    this.lanes = o.lanes;
    this.es = o.es;
    this.maxBatch = maxBatch;
    this.stages = twPtrs;
    // The same twiddles as FftPlan: e^{−2πi·j·k/len}, stored [j·(p−1) + k − 1] (rounded to float32 for f32).
    len = n;
    for (const st of twPtrs) {
      for (let j = 0; j < st.m; j++)
        for (let k = 1; k < st.p; k++) {
          const a = (-2 * Math.PI * j * k) / len;
          this.elements[st.twr / o.es + j * (st.p - 1) + k - 1] = Math.cos(a);
          this.elements[st.twi / o.es + j * (st.p - 1) + k - 1] = Math.sin(a);
        }
      len = st.m;
    }
    const ex = instance.exports as Record<string, (...args: number[]) => void>;
    this.stage = { 2: ex.r2, 3: ex.r3, 4: ex.r4, 5: ex.r5 };
    this.magnitudes = ex.m;
    this.views = this.planes.map((at, i) => view(at, planeLengths[i]));
    this.gatherKernel = ex.g;
    this.transposeKernel = ex.t;
    this.floatViews = this.floatPlanes.map((at, i) => new Float32Array(memory.buffer, at, floatLengths[i]));
  }

  /**
   * A batched FFT of length n with planes of the given lengths (doubles) in its memory, or null where
   * WebAssembly SIMD is unavailable or n has a prime factor above 5.
   * @param n transform length
   * @param planeLengths lengths of the caller's planes, in elements (each ≥ n·batch for the planes transformed)
   * @param maxBatch largest batch (a multiple of 2) that will be transformed
   * @param floatLengths lengths of the caller's float32 planes (inputs of {@link gatherScaled}), in floats
   */
  static create(n: number, planeLengths: readonly number[], maxBatch: number, floatLengths: readonly number[] = []): SimdFftBatch<Float64Array> | null {
    return SimdFftBatch.build<Float64Array>(n, planeLengths, maxBatch, floatLengths, 'f64');
  }

  /**
   * {@link create} in single precision: f32x4 lanes, four transforms per vector (batches a multiple of 4), twice
   * the transforms per instruction of the f64 batch. Float32 planes; agrees with the double FFT to ~1e−7 of
   * the transform's norm (tested).
   */
  static createF32(n: number, planeLengths: readonly number[], maxBatch: number, floatLengths: readonly number[] = []): SimdFftBatch<Float32Array> | null {
    return SimdFftBatch.build<Float32Array>(n, planeLengths, maxBatch, floatLengths, 'f32');
  }

  private static build<U extends Float64Array | Float32Array>(n: number, planeLengths: readonly number[], maxBatch: number, floatLengths: readonly number[], precision: FftPrecision): SimdFftBatch<U> | null {
    const lanes = OPS[precision].lanes;
    assert(Number.isInteger(maxBatch) && maxBatch >= lanes && maxBatch % lanes === 0, `simd fft batch ${maxBatch} (a multiple of ${lanes})`);
    if (!fftPlan(n).factors.every((p) => p <= 5)) return null;
    const module = compiledModules[precision]();
    return module ? new SimdFftBatch<U>(n, planeLengths, maxBatch, floatLengths, module, precision) : null;
  }

  /** Plane i (the view shares the instance's memory; it stays valid, the memory never grows). */
  plane(i: number): T {
    return this.views[i];
  }

  /** Float32 plane i (shares the instance's memory). */
  floatPlane(i: number): Float32Array {
    return this.floatViews[i];
  }

  /**
   * For r < rows, t < len: dre/dim[dAt + r·dStride + t] = sre/sim[sAt + r·sStride + t] · g[gAt + r·gStride + t]
   * (f64 batch: float32 inputs multiplied in double precision, which is exact, into double planes; f32 batch:
   * a float32 product into float32 planes).
   * @param sre, sim, g float plane indices; dre, dim plane indices; *At and *Stride in elements
   */
  gatherScaled(sre: number, sim: number, sAt: number, sStride: number, g: number, gAt: number, gStride: number, dre: number, dim: number, dAt: number, dStride: number, rows: number, len: number): void {
    const fl = this.floatViews;
    assert(rows >= 1 && len >= 1, 'gather rows and length');
    assert(sAt + (rows - 1) * sStride + len <= Math.min(fl[sre].length, fl[sim].length) && gAt + (rows - 1) * gStride + len <= fl[g].length, 'gather sources inside their planes');
    assert(dAt + (rows - 1) * dStride + len <= Math.min(this.planeLengths[dre], this.planeLengths[dim]), 'gather destination inside its planes');
    const fp = this.floatPlanes;
    const dp = this.planes;
    this.gatherKernel(fp[sre] + sAt * 4, fp[sim] + sAt * 4, sStride * 4, fp[g] + gAt * 4, gStride * 4, dp[dre] + dAt * this.es, dp[dim] + dAt * this.es, dStride * this.es, rows, len);
  }

  /**
   * For b < cols (a multiple of the lanes), t < len: dst[dAt + t·dStride + b] = src[sAt + b·sStride + t], on
   * both the (sre → dre) and (sim → dim) planes: a transposed block copy with 2 × 2 (f64) or 4 × 4 (f32) SIMD
   * shuffles.
   * @param sAt, dAt, sStride, dStride in elements
   */
  transposeBlock(sre: number, sim: number, sAt: number, sStride: number, dre: number, dim: number, dAt: number, dStride: number, cols: number, len: number): void {
    const L = this.planeLengths;
    assert(cols >= this.lanes && cols % this.lanes === 0 && len >= 1, `transpose cols ${cols} (a multiple of ${this.lanes}) and length ${len}`);
    assert(sAt + (cols - 1) * sStride + len <= Math.min(L[sre], L[sim]), 'transpose source inside its planes');
    assert(dAt + (len - 1) * dStride + cols <= Math.min(L[dre], L[dim]), 'transpose destination inside its planes');
    const dp = this.planes;
    const e = this.es;
    this.transposeKernel(dp[sre] + sAt * e, dp[dre] + dAt * e, sStride * e, dStride * e, cols, len);
    this.transposeKernel(dp[sim] + sAt * e, dp[dim] + dAt * e, sStride * e, dStride * e, cols, len);
  }

  /**
   * out[b] += Σ_{r < rows} |re[(from + r)·width + b] + i·im[…]| for b < width: column sums of magnitudes over
   * a band of rows of a row-major plane pair (the summation order differs from a scalar row-by-row loop, so
   * sums agree with it to rounding of the lane type).
   * @param re, im, out plane indices; width a multiple of the lanes
   */
  addColumnMagnitudes(re: number, im: number, from: number, rows: number, width: number, out: number): void {
    assert(width % this.lanes === 0 && from >= 0 && (from + rows) * width <= this.planeLengths[re], 'column magnitudes inside the planes');
    const off = from * width * this.es;
    this.magnitudes(this.planes[re] + off, this.planes[im] + off, this.planes[out], width * this.es, rows);
  }

  /**
   * `batch` interleaved transforms of planes re/im (element t of transform b at `t·batch + b`), in place,
   * unnormalised; `inverse` uses e^{+2πi…}. Same layout as {@link FftPlan.forwardBatch}, and the same results
   * bit for bit in f64.
   * @param re, im plane indices
   * @param batch a multiple of the lanes, ≤ maxBatch
   */
  forwardBatch(re: number, im: number, batch: number, inverse = false): void {
    assert(batch % this.lanes === 0 && batch >= this.lanes && batch <= this.maxBatch, `simd fft batch ${batch}`);
    // Swapping real and imaginary parts conjugates input and output: IDFT(x) = swap(DFT(swap(x))).
    const ur = inverse ? this.planes[im] : this.planes[re];
    const ui = inverse ? this.planes[re] : this.planes[im];
    let xr = ur;
    let xi = ui;
    let yr = this.scratchR;
    let yi = this.scratchI;
    let s = batch;
    for (const st of this.stages) {
      this.stage[st.p](st.m, s, xr, xi, yr, yi, st.twr, st.twi);
      s *= st.p;
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== ur) {
      const total = this.n * batch;
      const e = this.es;
      this.elements.copyWithin(ur / e, xr / e, xr / e + total);
      this.elements.copyWithin(ui / e, xi / e, xi / e + total);
    }
  }
}

/** The lane type of a batch: f64x2 (two transforms per vector) or f32x4 (four). */
export type FftPrecision = 'f64' | 'f32';

/** Opcodes and sizes of one lane type: the generators below are written once for both. */
interface LaneOps {
  /** Bytes per element, log2 of it, lanes per v128. */
  es: number;
  shift: number;
  lanes: number;
  add: number;
  sub: number;
  mul: number;
  sqrt: number;
  splat: number;
  /** Scalar load and store opcodes with their alignment exponent. */
  load: [number, number];
  store: [number, number];
  konst: (x: number) => number[];
}

const f32const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];

const OPS: Record<FftPrecision, LaneOps> = {
  f64: { es: 8, shift: 3, lanes: 2, add: 0xf0, sub: 0xf1, mul: 0xf2, sqrt: 0xef, splat: 20, load: [0x2b, 3], store: [0x39, 3], konst: f64const },
  f32: { es: 4, shift: 2, lanes: 4, add: 0xe4, sub: 0xe5, mul: 0xe6, sqrt: 0xe3, splat: 19, load: [0x2a, 2], store: [0x38, 2], konst: f32const },
};

const compiledModules: Record<FftPrecision, () => WebAssembly.Module | null> = {
  f64: compileOnce(() => moduleBytes(OPS.f64)),
  f32: compileOnce(() => moduleBytes(OPS.f32)),
};

/** Operation tags of the butterfly expressions (mapped to the lane type's opcodes when emitted). */
const ADD = 1;
const SUB = 2;
const MUL = 3;

/** A v128 value of the butterfly: a local, or an operation on two values (emitted in order, left first). */
type Expr = number | [number, Expr, Expr];

/**
 * Stage function `(m, s, xr, xi, yr, yi, twr, twi)` (byte pointers; s in elements, even) of radix p:
 * y[q + s·(p·j + k)] = (Σ_r x[q + s·(j + r·m)]·ω_p^{rk})·tw[j·(p−1) + k − 1], as the scalar radix functions.
 */
function stageFunction(p: number, o: LaneOps): number[] {
  const [pM, pS, pXr, pXi, pYr, pYi, pTwr, pTwi] = [0, 1, 2, 3, 4, 5, 6, 7];
  let nextI = 8;
  const j = nextI++, q = nextI++, ib = nextI++, ob = nextI++, s8 = nextI++, sm8 = nextI++, ain = nextI++, aout = nextI++, tw = nextI++;
  const offIn = Array.from({ length: p }, (_, r) => (r ? nextI++ : -1));
  const offOut = Array.from({ length: p }, (_, k) => (k ? nextI++ : -1));
  let nextV = nextI;
  const v = (): number => nextV++;
  const c: number[] = [];
  const emit = (e: Expr): void => {
    if (typeof e === 'number') c.push(...get(e));
    else {
      emit(e[1]);
      emit(e[2]);
      c.push(...simd(e[0] === ADD ? o.add : e[0] === SUB ? o.sub : o.mul));
    }
  };
  const let_ = (e: Expr): number => {
    const l = v();
    emit(e);
    c.push(...set(l));
    return l;
  };
  const add = (a: Expr, b: Expr): Expr => [ADD, a, b];
  const sub = (a: Expr, b: Expr): Expr => [SUB, a, b];
  const mul = (a: Expr, b: Expr): Expr => [MUL, a, b];
  const konst = (x: number): number => {
    const l = v();
    c.push(...o.konst(x), ...simd(o.splat), ...set(l));
    return l;
  };
  // Prologue: strides and per-radix offsets in bytes, constants.
  c.push(...get(pS), 0x41, o.shift, 0x74, ...set(s8)); // s8 = s · element bytes
  c.push(...get(s8), ...get(pM), 0x6c, ...set(sm8)); // sm8 = s8·m
  for (let r = 1; r < p; r++) c.push(...get(sm8), ...i32(r), 0x6c, ...set(offIn[r]), ...get(s8), ...i32(r), 0x6c, ...set(offOut[r]));
  const K = {
    sin60: konst(Math.sqrt(3) / 2),
    nsin60: konst(-Math.sqrt(3) / 2),
    half: konst(0.5),
    c1: konst(Math.cos((2 * Math.PI) / 5)),
    c2: konst(Math.cos((4 * Math.PI) / 5)),
    s1: konst(Math.sin((2 * Math.PI) / 5)),
    s2: konst(Math.sin((4 * Math.PI) / 5)),
  };
  const wr = Array.from({ length: p }, (_, k) => (k ? v() : -1));
  const wi = Array.from({ length: p }, (_, k) => (k ? v() : -1));
  c.push(0x41, 0, ...set(j));
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop (j)
  c.push(...get(j), ...get(pM), 0x4f, 0x0d, 1); // j >= m → exit
  c.push(...get(j), ...get(s8), 0x6c, ...set(ib));
  c.push(...get(ib), ...i32(p), 0x6c, ...set(ob));
  c.push(...get(j), ...i32((p - 1) * o.es), 0x6c, ...set(tw));
  for (let k = 1; k < p; k++) {
    c.push(...get(pTwr), ...get(tw), 0x6a, ...o.load, ...uleb((k - 1) * o.es), ...simd(o.splat), ...set(wr[k]));
    c.push(...get(pTwi), ...get(tw), 0x6a, ...o.load, ...uleb((k - 1) * o.es), ...simd(o.splat), ...set(wi[k]));
  }
  c.push(0x41, 0, ...set(q));
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop (q, bytes)
  c.push(...get(q), ...get(s8), 0x4f, 0x0d, 1);
  c.push(...get(ib), ...get(q), 0x6a, ...set(ain), ...get(ob), ...get(q), 0x6a, ...set(aout));
  const load = (plane: number, r: number): number => {
    const l = v();
    c.push(...get(plane), ...get(ain), 0x6a, ...(r ? [...get(offIn[r]), 0x6a] : []), ...simd(0), 3, 0, ...set(l));
    return l;
  };
  const ar = Array.from({ length: p }, (_, r) => load(pXr, r));
  const ai = Array.from({ length: p }, (_, r) => load(pXi, r));
  const store = (plane: number, k: number, e: Expr): void => {
    c.push(...get(plane), ...get(aout), 0x6a, ...(k ? [...get(offOut[k]), 0x6a] : []));
    emit(e);
    c.push(...simd(11), 3, 0); // v128.store
  };
  // b[k] (k ≥ 1) before twiddles, y[0] directly: the scalar butterflies' expressions, operation for operation.
  const br: Expr[] = [];
  const bi: Expr[] = [];
  if (p === 2) {
    store(pYr, 0, add(ar[0], ar[1]));
    store(pYi, 0, add(ai[0], ai[1]));
    br[1] = let_(sub(ar[0], ar[1]));
    bi[1] = let_(sub(ai[0], ai[1]));
  } else if (p === 4) {
    const t0r = let_(add(ar[0], ar[2])), t0i = let_(add(ai[0], ai[2]));
    const t1r = let_(sub(ar[0], ar[2])), t1i = let_(sub(ai[0], ai[2]));
    const t2r = let_(add(ar[1], ar[3])), t2i = let_(add(ai[1], ai[3]));
    const t3r = let_(sub(ai[1], ai[3])), t3i = let_(sub(ar[3], ar[1]));
    store(pYr, 0, add(t0r, t2r));
    store(pYi, 0, add(t0i, t2i));
    br[1] = let_(add(t1r, t3r));
    bi[1] = let_(add(t1i, t3i));
    br[2] = let_(sub(t0r, t2r));
    bi[2] = let_(sub(t0i, t2i));
    br[3] = let_(sub(t1r, t3r));
    bi[3] = let_(sub(t1i, t3i));
  } else if (p === 3) {
    const tr = let_(add(ar[1], ar[2])), ti = let_(add(ai[1], ai[2]));
    const ur = let_(mul(K.sin60, sub(ai[1], ai[2])));
    const ui = let_(mul(K.nsin60, sub(ar[1], ar[2])));
    const cr = let_(sub(ar[0], mul(K.half, tr)));
    const ci = let_(sub(ai[0], mul(K.half, ti)));
    store(pYr, 0, add(ar[0], tr));
    store(pYi, 0, add(ai[0], ti));
    br[1] = let_(add(cr, ur));
    bi[1] = let_(add(ci, ui));
    br[2] = let_(sub(cr, ur));
    bi[2] = let_(sub(ci, ui));
  } else {
    const t1r = let_(add(ar[1], ar[4])), t1i = let_(add(ai[1], ai[4]));
    const t2r = let_(add(ar[2], ar[3])), t2i = let_(add(ai[2], ai[3]));
    const t3r = let_(sub(ar[1], ar[4])), t3i = let_(sub(ai[1], ai[4]));
    const t4r = let_(sub(ar[2], ar[3])), t4i = let_(sub(ai[2], ai[3]));
    const m1r = let_(add(add(ar[0], mul(K.c1, t1r)), mul(K.c2, t2r)));
    const m1i = let_(add(add(ai[0], mul(K.c1, t1i)), mul(K.c2, t2i)));
    const m2r = let_(add(add(ar[0], mul(K.c2, t1r)), mul(K.c1, t2r)));
    const m2i = let_(add(add(ai[0], mul(K.c2, t1i)), mul(K.c1, t2i)));
    const n1r = let_(add(mul(K.s1, t3r), mul(K.s2, t4r)));
    const n1i = let_(add(mul(K.s1, t3i), mul(K.s2, t4i)));
    const n2r = let_(sub(mul(K.s2, t3r), mul(K.s1, t4r)));
    const n2i = let_(sub(mul(K.s2, t3i), mul(K.s1, t4i)));
    store(pYr, 0, add(add(ar[0], t1r), t2r));
    store(pYi, 0, add(add(ai[0], t1i), t2i));
    br[1] = let_(add(m1r, n1i));
    bi[1] = let_(sub(m1i, n1r));
    br[4] = let_(sub(m1r, n1i));
    bi[4] = let_(add(m1i, n1r));
    br[2] = let_(add(m2r, n2i));
    bi[2] = let_(sub(m2i, n2r));
    br[3] = let_(sub(m2r, n2i));
    bi[3] = let_(add(m2i, n2r));
  }
  for (let k = 1; k < p; k++) {
    store(pYr, k, sub(mul(br[k], wr[k]), mul(bi[k], wi[k])));
    store(pYi, k, add(mul(br[k], wi[k]), mul(bi[k], wr[k])));
  }
  c.push(...get(q), 0x41, 16, 0x6a, ...set(q), 0x0c, 0, 0x0b, 0x0b); // q += 16; continue; end; end
  c.push(...get(j), 0x41, 1, 0x6a, ...set(j), 0x0c, 0, 0x0b, 0x0b, 0x0b); // j++; continue; end; end; end
  const locals = [[...uleb(nextI - 8), I32], [...uleb(nextV - nextI), V128]];
  return [...vector(locals), ...c];
}

/** `(re, im, out, rowBytes, rows)`: out[b] += √(re[b]² + im[b]²) for each of `rows` rows, b over rowBytes. */
function magnitudesFunction(o: LaneOps): number[] {
  const [pRe, pIm, pOut, pRow, pRows] = [0, 1, 2, 3, 4];
  const r = 5, b = 6, a = 7, vr = 8, vi = 9;
  const c: number[] = [];
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop (rows)
  c.push(...get(r), ...get(pRows), 0x4f, 0x0d, 1);
  c.push(0x41, 0, ...set(b));
  c.push(0x02, 0x40, 0x03, 0x40); // block, loop (bytes of the row)
  c.push(...get(b), ...get(pRow), 0x4f, 0x0d, 1);
  c.push(...get(pRe), ...get(b), 0x6a, ...simd(0), 3, 0, ...set(vr));
  c.push(...get(pIm), ...get(b), 0x6a, ...simd(0), 3, 0, ...set(vi));
  c.push(...get(pOut), ...get(b), 0x6a, ...set(a));
  c.push(...get(a), ...get(a), ...simd(0), 3, 0);
  c.push(...get(vr), ...get(vr), ...simd(o.mul), ...get(vi), ...get(vi), ...simd(o.mul), ...simd(o.add), ...simd(o.sqrt), ...simd(o.add)); // + sqrt(re² + im²)
  c.push(...simd(11), 3, 0);
  c.push(...get(b), 0x41, 16, 0x6a, ...set(b), 0x0c, 0, 0x0b, 0x0b);
  c.push(...get(pRe), ...get(pRow), 0x6a, ...set(pRe), ...get(pIm), ...get(pRow), 0x6a, ...set(pIm));
  c.push(...get(r), 0x41, 1, 0x6a, ...set(r), 0x0c, 0, 0x0b, 0x0b, 0x0b);
  const locals = [[...uleb(3), I32], [...uleb(2), V128]];
  return [...vector(locals), ...c];
}

/**
 * `(sre, sim, sStride, g, gStride, dre, dim, dStride, rows, len)` (bytes; float32 sources and gains, double
 * destinations): d[r][t] = s[r][t]·g[r][t] for t < len, two at a time, a scalar step for an odd last one.
 */
function gatherFunction(): number[] {
  const [pSr, pSi, pSs, pG, pGs, pDr, pDi, pDs, pRows, pLen] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const r = 10, t = 11, pairs = 12, gv = 13;
  const c: number[] = [];
  const promoted = (base: number) => [...get(base), ...get(t), 0x41, 2, 0x74, 0x6a, ...simd(93), 2, 0, ...simd(95)]; // load64_zero(base + 4t), promote
  c.push(...get(pLen), 0x41, 1, 0x76, 0x41, 1, 0x74, ...set(pairs)); // pairs = (len >> 1) << 1
  c.push(0x02, 0x40, 0x03, 0x40); // rows
  c.push(...get(r), ...get(pRows), 0x4f, 0x0d, 1);
  c.push(0x41, 0, ...set(t));
  c.push(0x02, 0x40, 0x03, 0x40); // pairs
  c.push(...get(t), ...get(pairs), 0x4f, 0x0d, 1);
  c.push(...promoted(pG), ...set(gv));
  for (const [src, dst] of [[pSr, pDr], [pSi, pDi]]) {
    c.push(...get(dst), ...get(t), 0x41, 3, 0x74, 0x6a, ...promoted(src), ...get(gv), ...simd(OPS.f64.mul), ...simd(11), 3, 0);
  }
  c.push(...get(t), 0x41, 2, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  // Odd last element.
  c.push(...get(t), ...get(pLen), 0x49, 0x04, 0x40); // if t < len
  for (const [src, dst] of [[pSr, pDr], [pSi, pDi]]) {
    c.push(...get(dst), ...get(t), 0x41, 3, 0x74, 0x6a);
    c.push(...get(src), ...get(t), 0x41, 2, 0x74, 0x6a, 0x2a, 2, 0, 0xbb); // f32.load, promote
    c.push(...get(pG), ...get(t), 0x41, 2, 0x74, 0x6a, 0x2a, 2, 0, 0xbb, 0xa2, 0x39, 3, 0); // × gain, f64.store
  }
  c.push(0x0b);
  for (const [ptr, stride] of [[pSr, pSs], [pSi, pSs], [pG, pGs], [pDr, pDs], [pDi, pDs]]) c.push(...get(ptr), ...get(stride), 0x6a, ...set(ptr));
  c.push(...get(r), 0x41, 1, 0x6a, ...set(r), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x0b);
  const locals = [[...uleb(3), I32], [...uleb(1), V128]];
  return [...vector(locals), ...c];
}

/**
 * `(src, dst, sStride, dStride, cols, len)` (bytes; doubles): dst[t·dStride + 8b] = src[b·sStride + 8t] for b < cols
 * (even), t < len, as 2 × 2 blocks (two v128 loads, two shuffles, two stores), a half block for an odd last t.
 */
function transposeFunction(): number[] {
  const [pS, pD, pSs, pDs, pCols, pLen] = [0, 1, 2, 3, 4, 5];
  const b = 6, t = 7, s0 = 8, d0 = 9, pairs = 10, va = 11, vb = 12;
  const lo = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const hi = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
  const c: number[] = [];
  c.push(...get(pLen), 0x41, 1, 0x76, 0x41, 1, 0x74, ...set(pairs));
  c.push(0x02, 0x40, 0x03, 0x40); // column pairs
  c.push(...get(b), ...get(pCols), 0x4f, 0x0d, 1);
  c.push(...get(pS), ...get(b), ...get(pSs), 0x6c, 0x6a, ...set(s0)); // column b of the source
  c.push(...get(pD), ...get(b), 0x41, 3, 0x74, 0x6a, ...set(d0)); // column b of the destination
  c.push(0x41, 0, ...set(t));
  c.push(0x02, 0x40, 0x03, 0x40);
  c.push(...get(t), ...get(pairs), 0x4f, 0x0d, 1);
  c.push(...get(s0), ...get(t), 0x41, 3, 0x74, 0x6a, ...simd(0), 3, 0, ...set(va));
  c.push(...get(s0), ...get(pSs), 0x6a, ...get(t), 0x41, 3, 0x74, 0x6a, ...simd(0), 3, 0, ...set(vb));
  c.push(...get(d0), ...get(t), ...get(pDs), 0x6c, 0x6a, ...get(va), ...get(vb), ...simd(13), ...lo, ...simd(11), 3, 0);
  c.push(...get(d0), ...get(t), ...get(pDs), 0x6c, 0x6a, ...get(pDs), 0x6a, ...get(va), ...get(vb), ...simd(13), ...hi, ...simd(11), 3, 0);
  c.push(...get(t), 0x41, 2, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  c.push(...get(t), ...get(pLen), 0x49, 0x04, 0x40); // odd last t: two scalar copies
  c.push(...get(d0), ...get(t), ...get(pDs), 0x6c, 0x6a, ...get(s0), ...get(t), 0x41, 3, 0x74, 0x6a, 0x2b, 3, 0, 0x39, 3, 0);
  c.push(...get(d0), ...get(t), ...get(pDs), 0x6c, 0x6a, ...get(s0), ...get(pSs), 0x6a, ...get(t), 0x41, 3, 0x74, 0x6a, 0x2b, 3, 0, 0x39, 3, 8);
  c.push(0x0b);
  c.push(...get(b), 0x41, 2, 0x6a, ...set(b), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x0b);
  const locals = [[...uleb(5), I32], [...uleb(2), V128]];
  return [...vector(locals), ...c];
}

/**
 * `(sre, sim, sStride, g, gStride, dre, dim, dStride, rows, len)` (bytes; float32 sources, gains and
 * destinations): d[r][t] = s[r][t]·g[r][t] for t < len, four at a time, scalar steps for the last len mod 4.
 */
function gatherFunction32(): number[] {
  const [pSr, pSi, pSs, pG, pGs, pDr, pDi, pDs, pRows, pLen] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const r = 10, t = 11, quads = 12, gv = 13;
  const o = OPS.f32;
  const c: number[] = [];
  const at = (base: number): number[] => [...get(base), ...get(t), 0x41, 2, 0x74, 0x6a];
  c.push(...get(pLen), 0x41, 2, 0x76, 0x41, 2, 0x74, ...set(quads)); // quads = (len >> 2) << 2
  c.push(0x02, 0x40, 0x03, 0x40); // rows
  c.push(...get(r), ...get(pRows), 0x4f, 0x0d, 1);
  c.push(0x41, 0, ...set(t));
  c.push(0x02, 0x40, 0x03, 0x40); // quads
  c.push(...get(t), ...get(quads), 0x4f, 0x0d, 1);
  c.push(...at(pG), ...simd(0), 2, 0, ...set(gv));
  for (const [src, dst] of [[pSr, pDr], [pSi, pDi]]) c.push(...at(dst), ...at(src), ...simd(0), 2, 0, ...get(gv), ...simd(o.mul), ...simd(11), 2, 0);
  c.push(...get(t), 0x41, 4, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x02, 0x40, 0x03, 0x40); // the last len mod 4, one at a time
  c.push(...get(t), ...get(pLen), 0x4f, 0x0d, 1);
  for (const [src, dst] of [[pSr, pDr], [pSi, pDi]]) c.push(...at(dst), ...at(src), 0x2a, 2, 0, ...at(pG), 0x2a, 2, 0, 0x94, 0x38, 2, 0); // f32.mul, f32.store
  c.push(...get(t), 0x41, 1, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  for (const [ptr, stride] of [[pSr, pSs], [pSi, pSs], [pG, pGs], [pDr, pDs], [pDi, pDs]]) c.push(...get(ptr), ...get(stride), 0x6a, ...set(ptr));
  c.push(...get(r), 0x41, 1, 0x6a, ...set(r), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x0b);
  const locals = [[...uleb(3), I32], [...uleb(1), V128]];
  return [...vector(locals), ...c];
}

/**
 * `(src, dst, sStride, dStride, cols, len)` (bytes; floats): dst[t·dStride + 4b] = src[b·sStride + 4t] for b < cols
 * (a multiple of 4), t < len, as 4 × 4 blocks (four loads, eight shuffles, four stores), scalar copies for the
 * last len mod 4.
 */
function transposeFunction32(): number[] {
  const [pS, pD, pSs, pDs, pCols, pLen] = [0, 1, 2, 3, 4, 5];
  const b = 6, t = 7, s0 = 8, d0 = 9, quads = 10, rr = 11;
  const v = [12, 13, 14, 15];
  const w = [16, 17, 18, 19];
  const lane = (k: number): number[] => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3];
  // Interleave lanes (x0 y0 x1 y1) and (x2 y2 x3 y3); then the 64-bit halves, as the f64 version.
  const zipLo = [...lane(0), ...lane(4), ...lane(1), ...lane(5)];
  const zipHi = [...lane(2), ...lane(6), ...lane(3), ...lane(7)];
  const lo = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const hi = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
  const c: number[] = [];
  const srcAt = (row: number, elem: number[]): number[] => [...get(s0), ...get(pSs), ...i32(row), 0x6c, 0x6a, ...elem, 0x6a];
  const dstAt = (row: number[]): number[] => [...get(d0), ...row, ...get(pDs), 0x6c, 0x6a];
  c.push(...get(pLen), 0x41, 2, 0x76, 0x41, 2, 0x74, ...set(quads));
  c.push(0x02, 0x40, 0x03, 0x40); // column quads
  c.push(...get(b), ...get(pCols), 0x4f, 0x0d, 1);
  c.push(...get(pS), ...get(b), ...get(pSs), 0x6c, 0x6a, ...set(s0)); // column b of the source
  c.push(...get(pD), ...get(b), 0x41, 2, 0x74, 0x6a, ...set(d0)); // column b of the destination
  c.push(0x41, 0, ...set(t));
  c.push(0x02, 0x40, 0x03, 0x40);
  c.push(...get(t), ...get(quads), 0x4f, 0x0d, 1);
  for (let k = 0; k < 4; k++) c.push(...srcAt(k, [...get(t), 0x41, 2, 0x74]), ...simd(0), 2, 0, ...set(v[k]));
  c.push(...get(v[0]), ...get(v[1]), ...simd(13), ...zipLo, ...set(w[0]));
  c.push(...get(v[0]), ...get(v[1]), ...simd(13), ...zipHi, ...set(w[1]));
  c.push(...get(v[2]), ...get(v[3]), ...simd(13), ...zipLo, ...set(w[2]));
  c.push(...get(v[2]), ...get(v[3]), ...simd(13), ...zipHi, ...set(w[3]));
  const rows: [number, number, number[]][] = [[w[0], w[2], lo], [w[0], w[2], hi], [w[1], w[3], lo], [w[1], w[3], hi]];
  rows.forEach(([x, y, sh], k) => c.push(...dstAt([...get(t), ...i32(k), 0x6a]), ...get(x), ...get(y), ...simd(13), ...sh, ...simd(11), 2, 0));
  c.push(...get(t), 0x41, 4, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x02, 0x40, 0x03, 0x40); // the last len mod 4: four scalar copies each
  c.push(...get(t), ...get(pLen), 0x4f, 0x0d, 1);
  c.push(...get(t), 0x41, 2, 0x74, ...set(rr));
  for (let k = 0; k < 4; k++) c.push(...dstAt(get(t)), ...srcAt(k, get(rr)), 0x2a, 2, 0, 0x38, 2, 4 * k);
  c.push(...get(t), 0x41, 1, 0x6a, ...set(t), 0x0c, 0, 0x0b, 0x0b);
  c.push(...get(b), 0x41, 4, 0x6a, ...set(b), 0x0c, 0, 0x0b, 0x0b);
  c.push(0x0b);
  const locals = [[...uleb(6), I32], [...uleb(8), V128]];
  return [...vector(locals), ...c];
}

/**
 * The module of one lane type: exports r2, r3, r4, r5 (one Stockham stage each), m (column magnitude sums),
 * g (gather) and t (transpose), importing `env.mem`.
 */
function moduleBytes(o: LaneOps): Uint8Array<ArrayBuffer> {
  const radices = [2, 3, 4, 5];
  const f32 = o.es === 4;
  const fns: [string, number, number[]][] = [
    ...radices.map((p): [string, number, number[]] => [`r${p}`, 0, stageFunction(p, o)]),
    ['m', 1, magnitudesFunction(o)],
    ['g', 2, f32 ? gatherFunction32() : gatherFunction()],
    ['t', 3, f32 ? transposeFunction32() : transposeFunction()],
  ];
  return memoryModule([8, 5, 10, 6], fns.map(([label, type, body]) => ({ label, type, body })));
}
