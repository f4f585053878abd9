/**
 * Gamma–Gamma model of monetary value (Fader & Hardie 2013): a customer's transaction values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, so the mean z̄ of x transactions has a closed
 * density and the posterior mean of a customer's spend shrinks z̄ toward the population mean.
 * Amounts are in the data's currency; the model has no time unit.
 */
import { CrmEtlError } from '../../lib/errors.js';
import { minimize, minimizeSmooth, type MinimizeOptions } from './optimize.js';
import { digamma, lgamma } from './special-functions.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** A repeat customer's spend: x repeat transactions with mean value `monetary` (z̄). */
export interface SpendSummary {
  readonly x: number;
  readonly monetary: number;
  /** Customers with this x and z̄ (default 1): the warehouse hands over distinct inputs with counts. */
  readonly count?: number;
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
 * with x = 0 or z̄ ≤ 0 are skipped, as in the fit. The gradient is in (ln p, ln q, ln γ).
 */
function compile(customers: readonly SpendSummary[]): {
  customers: number;
  evaluate(params: GammaGammaParams, withGradient: boolean): { value: number; gradient: number[] };
} {
  const rows = usable(customers);
  const countByX = new Map<number, number>();
  let total = 0;
  for (const c of rows) {
    const n = countOf(c);
    total += n;
    countByX.set(c.x, (countByX.get(c.x) ?? 0) + n);
  }
  const byX = [...countByX.entries()];
  const size = rows.length;
  const xs = new Float64Array(size);
  const zs = new Float64Array(size);
  const ns = new Float64Array(size);
  const lnZ = new Float64Array(size);
  const lnX = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const c = rows[i] as SpendSummary;
    xs[i] = c.x;
    zs[i] = c.monetary;
    ns[i] = c.count ?? 1;
    lnZ[i] = Math.log(c.monetary);
    lnX[i] = Math.log(c.x);
  }
  return {
    customers: total,
    evaluate({ p, q, gamma }, withGradient) {
      let value = 0;
      let gp = 0;
      let gq = 0;
      let gg = 0;
      const lnGamma = Math.log(gamma);
      // Log-gammas depend on x only: once per distinct x.
      for (const [x, n] of byX) {
        value += n * (lgamma(p * x + q) - lgamma(p * x) - lgamma(q) + q * lnGamma);
        if (withGradient) {
          const psi = digamma(p * x + q);
          gp += n * x * (psi - digamma(p * x));
          gq += n * (psi - digamma(q) + lnGamma);
          gg += (n * q) / gamma;
        }
      }
      for (let i = 0; i < size; i++) {
        const x = xs[i] as number;
        const n = ns[i] as number;
        const g = gamma + x * (zs[i] as number);
        const lnG = Math.log(g);
        value += n * ((p * x - 1) * (lnZ[i] as number) + p * x * (lnX[i] as number) - (p * x + q) * lnG);
        if (withGradient) {
          gp += n * x * ((lnZ[i] as number) + (lnX[i] as number) - lnG);
          gq -= n * lnG;
          gg -= (n * (p * x + q)) / g;
        }
      }
      return { value, gradient: withGradient ? [gp * p, gq * q, gg * gamma] : [] };
    },
  };
}

function countOf(c: SpendSummary): number {
  const n = c.count ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new CrmEtlError(`Invalid customer count ${n} for x=${c.x}, z̄=${c.monetary}`, {
      hint: 'A count is the number of customers with these inputs: a whole number ≥ 1',
    });
  }
  return n;
}

export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  customers: readonly SpendSummary[],
): number {
  return compile(customers).evaluate(params, false).value;
}

function correlation(rows: readonly SpendSummary[]): number {
  let n = 0;
  let sx = 0;
  let sz = 0;
  for (const c of rows) {
    const k = c.count ?? 1;
    n += k;
    sx += k * c.x;
    sz += k * c.monetary;
  }
  const mx = sx / n;
  const mz = sz / n;
  let sxz = 0;
  let sxx = 0;
  let szz = 0;
  for (const c of rows) {
    const k = c.count ?? 1;
    sxz += k * (c.x - mx) * (c.monetary - mz);
    sxx += k * (c.x - mx) ** 2;
    szz += k * (c.monetary - mz) ** 2;
  }
  return sxx > 0 && szz > 0 ? sxz / Math.sqrt(sxx * szz) : 0;
}

/**
 * ML fit of (p, q, γ) on log-parameters, starting at p = q = 1 and γ = mean z̄ (so the search is
 * independent of the currency's scale). Customers with x = 0 are ignored. Quasi-Newton on the
 * analytic gradient of the mean log-likelihood; Nelder–Mead (`options`) only if that stalls.
 */
export function fitGammaGamma(
  customers: readonly SpendSummary[],
  options: MinimizeOptions = {},
): GammaGammaFit {
  const rows = usable(customers);
  const model = compile(rows);
  const N = model.customers;
  if (N < 2) {
    throw new CrmEtlError(`Gamma–Gamma fit needs repeat customers with positive spend, got ${N}`);
  }
  const meanZ = rows.reduce((s, c) => s + c.monetary * (c.count ?? 1), 0) / N;
  const fromLog = (v: readonly number[]): GammaGammaParams => ({
    p: Math.exp(v[0] as number),
    q: Math.exp(v[1] as number),
    gamma: Math.exp(v[2] as number),
  });
  const start = [0, 0, Math.log(meanZ)];
  let result = minimizeSmooth((v) => {
    const { value, gradient } = model.evaluate(fromLog(v), true);
    return { value: -value / N, gradient: gradient.map((g) => -g / N) };
  }, start);
  let evaluations = result.evaluations;
  if (!result.converged) {
    const fallback = minimize((v) => -model.evaluate(fromLog(v), false).value, start, options);
    evaluations += fallback.evaluations;
    result = fallback;
  }
  const params = fromLog(result.x);
  return {
    params,
    logLikelihood: model.evaluate(params, false).value,
    customers: N,
    frequencyMonetaryCorrelation: correlation(rows),
    evaluations,
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
