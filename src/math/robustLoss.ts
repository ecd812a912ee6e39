import { assert } from '../core/errors.ts';

/** A robust loss ρ(s) of a squared residual s = r², with its derivative ρ'(s) (the IRLS weight). */
export interface RobustLoss {
  readonly name: 'squared' | 'huber' | 'cauchy';
  /** ρ(s); ρ(s) ≈ s for small s. */
  rho(s: number): number;
  /** dρ/ds, in (0, 1]: the weight a residual gets in the weighted normal equations. */
  weight(s: number): number;
}

/** ρ(s) = s: ordinary least squares. */
export const squaredLoss: RobustLoss = { name: 'squared', rho: (s) => s, weight: () => 1 };

/**
 * Huber's loss with threshold δ (in residual units): ρ(s) = s for √s ≤ δ, else 2δ√s − δ² —
 * quadratic near zero, linear in |r| beyond δ.
 *
 * @param delta - δ > 0, the residual size beyond which a residual counts as an outlier.
 * @example huberLoss(1).rho(4); // 3
 *
 * References: P. Huber, "Robust Estimation of a Location Parameter", Ann. Math. Stat. 35(1), 1964;
 * B. Triggs et al., "Bundle Adjustment — A Modern Synthesis", 2000, §3.3 (robustified cost ρ(r²)).
 */
export function huberLoss(delta: number): RobustLoss {
  assert(delta > 0, `huberLoss: delta ${delta} > 0`);
  const d2 = delta * delta;
  return {
    name: 'huber',
    rho: (s) => (s <= d2 ? s : 2 * delta * Math.sqrt(s) - d2),
    weight: (s) => (s <= d2 ? 1 : delta / Math.sqrt(s)),
  };
}

/**
 * The Cauchy (Lorentzian) loss with scale δ: ρ(s) = δ² log(1 + s / δ²); outliers' influence falls
 * off as 1/|r|.
 *
 * @param delta - δ > 0, in residual units.
 * @example cauchyLoss(1).rho(1); // ln 2
 *
 * References: Triggs et al., "Bundle Adjustment — A Modern Synthesis", 2000, §3.3; Ceres Solver's CauchyLoss.
 */
export function cauchyLoss(delta: number): RobustLoss {
  assert(delta > 0, `cauchyLoss: delta ${delta} > 0`);
  const d2 = delta * delta;
  return { name: 'cauchy', rho: (s) => d2 * Math.log1p(s / d2), weight: (s) => 1 / (1 + s / d2) };
}
