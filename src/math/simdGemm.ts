import { assert } from '../core/errors.ts';
import { I32, V128, compileOnce, f64const, get, i32, memoryModule, set, simd, uleb, vector } from './wasmEmitter.ts';

/**
 * Double-precision matrix products C = A·B in WebAssembly SIMD (f64x2), generated as bytes at load time like
 * the k-NN dot kernel (`simdDot.ts`): no toolchain, no binary blob in the repository.
 *
 * Matrices are row-major planes in the instance's memory ({@link SimdGemm.plane}), addressed by an element
 * offset and a row stride, so a product can read a band of rows or columns of a larger plane. The micro-kernel
 * keeps two rows × 8 columns of C (8 f64x2 accumulators) in registers and streams one row of B per step of the
 * inner dimension: 6 loads for 16 multiply–adds. Columns of C come in blocks of 8 (pad B with zero columns);
 * each sum runs over the inner index in order without fused multiply–adds, like a scalar loop.
 */
export class SimdGemm {
  private readonly f64: Float64Array;
  private readonly planes: number[];
  private readonly lengths: readonly number[];
  private readonly views: Float64Array[];
  private readonly kernel: (...args: number[]) => void;

  private constructor(lengths: readonly number[], module: WebAssembly.Module) {
    let bytes = 0;
    this.planes = lengths.map((l) => {
      const at = bytes;
      bytes += Math.ceil(l / 2) * 16;
      return at;
    });
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
    const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
    this.kernel = (instance.exports as Record<string, (...args: number[]) => void>).mm;
    this.f64 = new Float64Array(memory.buffer);
    this.lengths = lengths;
    this.views = this.planes.map((at, i) => this.f64.subarray(at / 8, at / 8 + lengths[i]));
  }

  /**
   * Planes of the given lengths (doubles) in one memory, or null where WebAssembly SIMD is unavailable.
   * @param lengths plane lengths in doubles
   */
  static create(lengths: readonly number[]): SimdGemm | null {
    const module = compiledModule();
    return module ? new SimdGemm(lengths, module) : null;
  }

  /** Plane i (the view shares the instance's memory; it stays valid, the memory never grows). */
  plane(i: number): Float64Array {
    return this.views[i];
  }

  /**
   * C[i][j] = Σ_t A[i][t]·B[t][j] for i < m, j < p, t < k, where X[i][j] = plane_X[xAt + i·ldx + j].
   * @param p columns of C, a multiple of 8
   * @example
   * gemm.multiply(0, 0, n, 1, 0, k8, 2, 0, k8, n, n, k8); // plane 2 ← plane 0 (n×n) · plane 1 (n×k8)
   */
  multiply(a: number, aAt: number, lda: number, b: number, bAt: number, ldb: number, c: number, cAt: number, ldc: number, m: number, k: number, p: number): void {
    assert(p % 8 === 0 && p > 0 && m > 0 && k > 0, `gemm columns ${p} (a multiple of 8), rows ${m}, inner ${k}`);
    const L = this.lengths;
    assert(aAt + (m - 1) * lda + k <= L[a] && bAt + (k - 1) * ldb + p <= L[b] && cAt + (m - 1) * ldc + p <= L[c], 'gemm operands inside their planes');
    const P = this.planes;
    this.kernel(P[a] + aAt * 8, lda * 8, P[b] + bAt * 8, ldb * 8, P[c] + cAt * 8, ldc * 8, m, k, p * 8);
  }
}

const compiledModule = compileOnce(moduleBytes);

const F64X2_SPLAT = 20;
const F64X2_ADD = 0xf0;
const F64X2_MUL = 0xf2;
const V128_LOAD = 0;
const V128_STORE = 11;

/**
 * `(a, lda, b, ldb, c, ldc, m, k, pBytes)` (byte pointers and strides): rows of C two at a time (one for an odd
 * last row), 8 columns per block, accumulators over t < k.
 */
function gemmFunction(): number[] {
  const [pA, pLda, pB, pLdb, pC, pLdc, pM, pK, pP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const i = 9, j = 10, t = 11, a0 = 12, a1 = 13, bp = 14, rows = 15;
  const x0 = 16, x1 = 17;
  const acc = [18, 19, 20, 21, 22, 23, 24, 25];
  const bv = 26;
  const c: number[] = [];
  const loop = (counter: number, limit: number[], body: () => void, step: number[]): void => {
    c.push(0x41, 0, ...set(counter), 0x02, 0x40, 0x03, 0x40);
    c.push(...get(counter), ...limit, 0x4f, 0x0d, 1); // counter ≥ limit → exit
    body();
    c.push(...get(counter), ...step, 0x6a, ...set(counter), 0x0c, 0, 0x0b, 0x0b);
  };
  const block = (twoRows: boolean): void => {
    for (const v of acc) c.push(...f64const(0), ...simd(F64X2_SPLAT), ...set(v));
    // a0/a1: rows i, i+1 of A; bp: row 0 of B at column block j.
    c.push(...get(pA), ...get(i), ...get(pLda), 0x6c, 0x6a, ...set(a0), ...get(a0), ...get(pLda), 0x6a, ...set(a1));
    c.push(...get(pB), ...get(j), 0x6a, ...set(bp));
    loop(t, get(pK), () => {
      c.push(...get(a0), 0x2b, 3, 0, ...simd(F64X2_SPLAT), ...set(x0));
      if (twoRows) c.push(...get(a1), 0x2b, 3, 0, ...simd(F64X2_SPLAT), ...set(x1));
      for (let q = 0; q < 4; q++) {
        // acc[q] += x0·B[t][j+2q…]; acc[4+q] += x1·B[t][j+2q…]
        c.push(...get(bp), ...simd(V128_LOAD), 3, ...uleb(16 * q), ...set(bv));
        c.push(...get(acc[q]), ...get(x0), ...get(bv), ...simd(F64X2_MUL), ...simd(F64X2_ADD), ...set(acc[q]));
        if (twoRows) c.push(...get(acc[4 + q]), ...get(x1), ...get(bv), ...simd(F64X2_MUL), ...simd(F64X2_ADD), ...set(acc[4 + q]));
      }
      c.push(...get(a0), 0x41, 8, 0x6a, ...set(a0), ...get(a1), 0x41, 8, 0x6a, ...set(a1));
      c.push(...get(bp), ...get(pLdb), 0x6a, ...set(bp));
    }, [0x41, 1]);
    // Store: row i (and i+1) of C at column block j.
    for (let r = 0; r < (twoRows ? 2 : 1); r++)
      for (let q = 0; q < 4; q++) {
        c.push(...get(pC), ...get(i), ...(r ? [0x41, 1, 0x6a] : []), ...get(pLdc), 0x6c, 0x6a, ...get(j), 0x6a);
        c.push(...get(acc[4 * r + q]), ...simd(V128_STORE), 3, ...uleb(16 * q));
      }
  };
  // rows = m & ~1: the pairs; an odd last row gets the one-row block.
  c.push(...get(pM), 0x41, 1, 0x76, 0x41, 1, 0x74, ...set(rows));
  loop(i, get(rows), () => loop(j, get(pP), () => block(true), i32(64)), [0x41, 2]);
  c.push(...get(rows), ...get(pM), 0x49, 0x04, 0x40); // if rows < m
  c.push(...get(rows), ...set(i));
  loop(j, get(pP), () => block(false), i32(64));
  c.push(0x0b, 0x0b);
  const locals = [[...uleb(x0 - i), I32], [...uleb(3 + acc.length), V128]];
  return [...vector(locals), ...c];
}

/** The module: exports mm (the product), importing `env.mem`. */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  return memoryModule([9], [{ label: 'mm', type: 0, body: gemmFunction() }]);
}
