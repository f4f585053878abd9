/**
 * Gamma–Gamma model of monetary value (Fader & Hardie 2013): a customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean z̄ of x transactions has a closed
 * density and the posterior mean of a customer's spend shrinks z̄ toward the population mean.
 * Amounts are in the data's currency; the model has no time unit.
 */
import { CrmEtlError } from '../../lib/errors.js';
import { minimize, type MinimizeOptions } from './optimize.js';
import { lgamma } from './special-functions.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** A repeat customer's spend: x repeat transactions with mean value `monetary` (z̄). */
export interface SpendSummary {
  readonly x: number;
  readonly monetary: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  /** Full log-density of the z̄s, constants included (see gammaGammaLogLikelihood). */
  readonly logLikelihood: number;
  /** Customers used: x > 0 and monetary > 0. */
  readonly customers: number;
  /**
   * Pearson correlation of x and z̄ among them. The model assumes spend is independent of
   * frequency; a value far from 0 (say |ρ| > 0.3) means its predictions are biased.
   */
  readonly frequencyMonetaryCorrelation: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/** Only repeaters carry information about spend; z̄ ≤ 0 (refunds) is outside the model's support. */
function usable(customers: readonly SpendSummary[]): SpendSummary[] {
  return customers.filter((c) => c.x > 0 && Number.isFinite(c.monetary) && c.monetary > 0);
}

/**
 * Log-likelihood Σ ln f(z̄ | x), with
 *   f(z̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q).
 * Nothing is dropped: the z̄^(px−1) x^(px) factor depends on p, so it is not a constant. Customers
 * with x = 0 or z̄ ≤ 0 are skipped, as in the fit.
 */
function compile(customers: readonly SpendSummary[]): (params: GammaGammaParams) => number {
  const rows = usable(customers);
  const countByX = new Map<number, number>();
  for (const c of rows) countByX.set(c.x, (countByX.get(c.x) ?? 0) + 1);
  const byX = [...countByX.entries()];
  const logs = rows.map((c) => ({ x: c.x, z: c.monetary, lnZ: Math.log(c.monetary), lnX: Math.log(c.x) }));
  return ({ p, q, gamma }) => {
    let total = 0;
    // Log-gammas depend on x only: once per distinct x.
    for (const [x, n] of byX)
      total += n * (lgamma(p * x + q) - lgamma(p * x) - lgamma(q) + q * Math.log(gamma));
    for (const { x, z, lnZ, lnX } of logs) {
      total += (p * x - 1) * lnZ + p * x * lnX - (p * x + q) * Math.log(gamma + x * z);
    }
    return total;
  };
}

export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  customers: readonly SpendSummary[],
): number {
  return compile(customers)(params);
}

function correlation(rows: readonly SpendSummary[]): number {
  const n = rows.length;
  const mx = rows.reduce((s, c) => s + c.x, 0) / n;
  const mz = rows.reduce((s, c) => s + c.monetary, 0) / n;
  let sxz = 0;
  let sxx = 0;
  let szz = 0;
  for (const c of rows) {
    sxz += (c.x - mx) * (c.monetary - mz);
    sxx += (c.x - mx) ** 2;
    szz += (c.monetary - mz) ** 2;
  }
  return sxx > 0 && szz > 0 ? sxz / Math.sqrt(sxx * szz) : 0;
}

/**
 * ML fit of (p, q, γ) on log-parameters, starting at p = q = 1 and γ = mean z̄ (so the search is
 * independent of the currency's scale). Customers with x = 0 are ignored.
 */
export function fitGammaGamma(
  customers: readonly SpendSummary[],
  options: MinimizeOptions = {},
): GammaGammaFit {
  const rows = usable(customers);
  if (rows.length < 2) {
    throw new CrmEtlError(`Gamma–Gamma fit needs repeat customers with positive spend, got ${rows.length}`);
  }
  const logLik = compile(rows);
  const meanZ = rows.reduce((s, c) => s + c.monetary, 0) / rows.length;
  const fromLog = (v: readonly number[]): GammaGammaParams => ({
    p: Math.exp(v[0] as number),
    q: Math.exp(v[1] as number),
    gamma: Math.exp(v[2] as number),
  });
  const result = minimize((v) => -logLik(fromLog(v)), [0, 0, Math.log(meanZ)], options);
  return {
    params: fromLog(result.x),
    logLikelihood: -result.value,
    customers: rows.length,
    frequencyMonetaryCorrelation: correlation(rows),
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/**
 * E[M | x, z̄] = p(γ + x z̄) / (px + q − 1): a weighted average of the population mean pγ/(q−1) and
 * the customer's own z̄, the weight on z̄ growing with x. For x = 0, or z̄ ≤ 0 (net refunds, outside
 * the model), it is the population mean. Finite only for q > 1 — the population mean spend does not exist otherwise.
 */
export function gammaGammaExpectedAverageValue(params: GammaGammaParams, customer: SpendSummary): number {
  const { p, q, gamma } = params;
  if (!(q > 1)) {
    throw new CrmEtlError(`Gamma–Gamma q = ${q} ≤ 1: expected spend is infinite`, {
      hint: 'The spend data are too heavy-tailed for this model; cap outliers or use the historical mean',
    });
  }
  const x = customer.x > 0 && customer.monetary > 0 ? customer.x : 0;
  const zbar = x > 0 ? customer.monetary : 0;
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}
