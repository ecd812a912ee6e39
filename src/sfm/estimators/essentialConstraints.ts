/**
 * The ten cubic constraints of Nistér's 5-point solver, as a 10 × 20 coefficient matrix. With
 * E = x X + y Y + z Z + W (the null-space basis of the 5 epipolar equations), det E = 0 and the trace
 * constraint 2 E Eᵀ E − tr(E Eᵀ) E = 0 are ten cubics in (x, y, z). Polynomials of degree ≤ 3 in
 * (x, y, z) are held as 20 coefficients over the monomials in Nistér's order (MONOMIALS), so that
 * after Gauss–Jordan elimination the rows of x²z, x², y²z, y², xyz and xy give the 3 × 3 matrix B(z).
 */

/** Nistér's monomial order (2004, §3.2, eq. 11): exponents of x, y, z for the 20 columns. */
export const MONOMIALS: readonly (readonly [number, number, number])[] = [
  [3, 0, 0], [0, 3, 0], [2, 1, 0], [1, 2, 0], [2, 0, 1], [2, 0, 0], [0, 2, 1], [0, 2, 0], [1, 1, 1], [1, 1, 0],
  [1, 0, 2], [1, 0, 1], [1, 0, 0], [0, 1, 2], [0, 1, 1], [0, 1, 0], [0, 0, 3], [0, 0, 2], [0, 0, 1], [0, 0, 0],
];

const key = (a: number, b: number, c: number) => a * 16 + b * 4 + c;
const INDEX = new Map(MONOMIALS.map(([a, b, c], i) => [key(a, b, c), i]));
/** PRODUCT[i * 20 + j]: the index of monomial i × monomial j, or −1 beyond degree 3. */
const PRODUCT = new Int8Array(400).map((_, ij) => {
  const [a, b, c] = MONOMIALS[Math.floor(ij / 20)], [d, e, f] = MONOMIALS[ij % 20];
  return INDEX.get(key(a + d, b + e, c + f)) ?? -1;
});
const degree = (i: number) => MONOMIALS[i][0] + MONOMIALS[i][1] + MONOMIALS[i][2];
const UP_TO = [0, 1, 2, 3].map((d) => MONOMIALS.map((_, i) => i).filter((i) => degree(i) <= d));
/** For factors of degree ≤ da and ≤ db: flat (i, j, index of the product) triples. */
function productTable(da: number, db: number): Int32Array {
  const out: number[] = [];
  for (const i of UP_TO[da]) for (const j of UP_TO[db]) out.push(i, j, PRODUCT[i * 20 + j]);
  return Int32Array.from(out);
}
const LINEAR_LINEAR = productTable(1, 1);
const QUADRATIC_LINEAR = productTable(2, 1);

/** out += scale · a · b over the product table of their degrees (LINEAR_LINEAR or QUADRATIC_LINEAR). */
function mulAdd(a: Float64Array, b: Float64Array, table: Int32Array, out: Float64Array, scale = 1): void {
  for (let t = 0; t < table.length; t += 3) out[table[t + 2]] += scale * a[table[t]] * b[table[t + 1]];
}

/**
 * The 10 × 20 matrix of the constraints, row 0 det E, rows 1…9 the trace constraint's entries.
 *
 * @param basis - X, Y, Z, W concatenated, 4 × 9 values (each a 3 × 3 matrix, row-major).
 * @returns 200 values, row-major, columns in MONOMIALS order.
 *
 * References: D. Nistér, "An efficient solution to the five-point relative pose problem", IEEE
 * TPAMI 26(6), 2004, §3.2, eqs. (5)–(11).
 */
export function essentialConstraintMatrix(basis: Float64Array): Float64Array {
  const e: Float64Array[] = [];
  for (let k = 0; k < 9; k++) {
    const p = new Float64Array(20);
    p[12] = basis[k]; p[15] = basis[9 + k]; p[18] = basis[18 + k]; p[19] = basis[27 + k];
    e.push(p);
  }
  const eet: Float64Array[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const p = new Float64Array(20);
    for (let k = 0; k < 3; k++) mulAdd(e[i * 3 + k], e[j * 3 + k], LINEAR_LINEAR, p);
    eet.push(p);
  }
  const trace = new Float64Array(20);
  for (let i = 0; i < 20; i++) trace[i] = eet[0][i] + eet[4][i] + eet[8][i];
  const m = new Float64Array(200);
  const det = m.subarray(0, 20), minor = new Float64Array(20);
  // det E = e₀(e₄e₈ − e₅e₇) − e₁(e₃e₈ − e₅e₆) + e₂(e₃e₇ − e₄e₆)
  const cofactors = [[4, 8, 5, 7, 1], [3, 8, 5, 6, -1], [3, 7, 4, 6, 1]];
  cofactors.forEach(([a, b, c, d, sign], col) => {
    minor.fill(0);
    mulAdd(e[a], e[b], LINEAR_LINEAR, minor);
    mulAdd(e[c], e[d], LINEAR_LINEAR, minor, -1);
    mulAdd(minor, e[col], QUADRATIC_LINEAR, det, sign);
  });
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const row = m.subarray((1 + i * 3 + j) * 20, (2 + i * 3 + j) * 20);
    for (let k = 0; k < 3; k++) mulAdd(eet[i * 3 + k], e[k * 3 + j], QUADRATIC_LINEAR, row, 2);
    mulAdd(trace, e[i * 3 + j], QUADRATIC_LINEAR, row, -1);
  }
  return m;
}
