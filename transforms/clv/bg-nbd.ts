/**
 * BG/NBD ("beta-geometric / negative binomial distribution", Fader, Hardie & Lee 2005): while alive
 * a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). This file holds the likelihood and its maximum-likelihood fit; the
 * predictions are in bg-nbd-predict.ts.
 */
import { CrmEtlError } from '../../lib/errors.js';
import { minimize, minimizeSmooth, type MinimizeOptions } from './optimize.js';
import { digamma, lgamma } from './special-functions.js';
import { assertRecencyFrequency, type RecencyFrequency, type SummaryTable } from './summary.js';
import type { TimeUnit } from './units.js';

/** Fitted BG/NBD parameters. α is a time scale, so it is meaningless without its unit. */
export interface BgNbdParams {
  readonly unit: TimeUnit;
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** Total log-likelihood at the optimum, FHL (2005) eq. 6 summed over customers. */
  readonly logLikelihood: number;
  readonly customers: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

type Shape = Omit<BgNbdParams, 'unit'>;

/**
 * Customers with equal (x, t_x, T), one row each with how many there are: the likelihood depends on
 * nothing else, so the warehouse hands over its distinct inputs (GROUP BY in SQL) with a count.
 */
export type WeightedRecencyFrequency = RecencyFrequency & {
  /** Customers with these inputs (default 1): a positive whole number. */
  readonly count?: number;
};

interface Compiled {
  /** Customers, counts summed. */
  readonly customers: number;
  /** Log-likelihood at the parameters, and its gradient in (ln r, ln α, ln a, ln b). */
  evaluate(p: Shape, withGradient: boolean): { value: number; gradient: number[] };
}

function countOf(c: WeightedRecencyFrequency): number {
  const n = c.count ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new CrmEtlError(`Invalid customer count ${n} for x=${c.x}, t_x=${c.tx}, T=${c.T}`, {
      hint: 'A count is the number of customers with these inputs: a whole number ≥ 1',
    });
  }
  return n;
}

/**
 * Turns a table into a function of (r, α, a, b). The terms that depend on x only — four log-gammas —
 * are summed once per distinct x with its count, so an evaluation costs a few logs per row (a
 * distinct (x, t_x, T) with its count, when the caller grouped them) however long the optimiser runs.
 * The gradient (FHL 2005 eq. 6 differentiated; ψ for the log-gammas) costs little more: each
 * customer's likelihood mixes "alive at T" and "dropped out at t_x" with weight w on the latter, and
 * each derivative is the same mix of the two terms' derivatives.
 */
function compile(customers: readonly WeightedRecencyFrequency[]): Compiled {
  // Plain loops into typed arrays: the evaluations are cheap enough that building these dominated.
  const size = customers.length;
  const xs = new Float64Array(size);
  const txs = new Float64Array(size);
  const Ts = new Float64Array(size);
  const ns = new Float64Array(size);
  const countByX = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < size; i++) {
    const c = customers[i] as WeightedRecencyFrequency;
    assertRecencyFrequency(c);
    const n = countOf(c);
    xs[i] = c.x;
    txs[i] = c.tx;
    Ts[i] = c.T;
    ns[i] = n;
    total += n;
    countByX.set(c.x, (countByX.get(c.x) ?? 0) + n);
  }
  const byX = [...countByX.entries()];
  return {
    customers: total,
    evaluate({ r, alpha, a, b }, withGradient) {
      const lnAlpha = Math.log(alpha);
      let value = 0;
      let gr = 0;
      let gAlpha = 0;
      let ga = 0;
      let gb = 0;
      // ln A1 + ln A2 = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
      const constant = -lgamma(r) + r * lnAlpha + lgamma(a + b) - lgamma(b);
      for (const [x, n] of byX) value += n * (constant + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x));
      if (withGradient) {
        const psiR = digamma(r);
        const psiAB = digamma(a + b);
        const psiB = digamma(b);
        for (const [x, n] of byX) {
          const psiABX = digamma(a + b + x);
          gr += n * (digamma(r + x) - psiR + lnAlpha);
          gAlpha += (n * r) / alpha;
          ga += n * (psiAB - psiABX);
          gb += n * (psiAB - psiB + digamma(b + x) - psiABX);
        }
      }
      const lnA = Math.log(a);
      for (let i = 0; i < size; i++) {
        const x = xs[i] as number;
        const n = ns[i] as number;
        const rx = r + x;
        const lnT = Math.log(alpha + (Ts[i] as number));
        // ln(A3 + δ(x>0)·A4): alive at T, or dropped out right after the last purchase at t_x.
        const alive = -rx * lnT;
        if (x === 0) {
          value += n * alive;
          if (withGradient) {
            gr -= n * lnT;
            gAlpha -= (n * rx) / (alpha + (Ts[i] as number));
          }
          continue;
        }
        const lnTx = Math.log(alpha + (txs[i] as number));
        const lnB = Math.log(b + x - 1);
        const dead = lnA - lnB - rx * lnTx;
        const m = alive > dead ? alive : dead;
        const term = m + Math.log1p(Math.exp(-Math.abs(alive - dead)));
        value += n * term;
        if (withGradient) {
          const w = Math.exp(dead - term); // share of "dropped out at t_x"
          gr -= n * ((1 - w) * lnT + w * lnTx);
          gAlpha -= n * rx * ((1 - w) / (alpha + (Ts[i] as number)) + w / (alpha + (txs[i] as number)));
          ga += (n * w) / a;
          gb -= (n * w) / (b + x - 1);
        }
      }
      // d/d ln θ = θ · d/dθ: the fit searches log-parameters.
      return { value, gradient: withGradient ? [gr * r, gAlpha * alpha, ga * a, gb * b] : [] };
    },
  };
}

function assertSameUnit(params: BgNbdParams, table: SummaryTable<RecencyFrequency>): void {
  if (params.unit !== table.unit) {
    throw new CrmEtlError(
      `BG/NBD parameters are in ${params.unit}s but the summaries are in ${table.unit}s`,
      {
        hint: 'Convert the summaries with convertSummary() first',
      },
    );
  }
}

/** Total log-likelihood of a summary table under the given parameters (same unit required). */
export function bgNbdLogLikelihood(params: BgNbdParams, table: SummaryTable<RecencyFrequency>): number {
  assertSameUnit(params, table);
  return compile(table.customers).evaluate(params, false).value;
}

/**
 * Maximum-likelihood fit of (r, α, a, b). The search runs on log-parameters, which keeps them
 * positive without constraints and makes the problem scale-free: the start α₀ = mean T is in the
 * table's unit, so a table in days follows the same search as that table in weeks (log α shifted by
 * ln 7, equal up to rounding) and ends at α_day = 7·α_week with r, a, b unchanged.
 * Quasi-Newton on the analytic gradient of the mean log-likelihood (minimizeSmooth) until it
 * vanishes; Nelder–Mead (`options`) only if that search stalls. Customers may come with counts.
 */
/**
 * Upper bounds of ln r, ln α, ln a, ln b. Beyond them a fit is the likelihood's limit at infinity,
 * not a finite optimum: r, α → ∞ is a Poisson process, a, b → ∞ one dropout probability a/(a+b)
 * for every customer. a + b of 300 already leaves that probability almost no spread, and keeps
 * the prediction's 2F1(·, b; ·; z) (about (1−z)^−b) within double range for any horizon z ≤ 0.9.
 */
const MAX_LOG = [Math.log(1e4), Math.log(1e4), Math.log(300), Math.log(300)];

export function fitBgNbd(
  table: SummaryTable<WeightedRecencyFrequency>,
  options: MinimizeOptions = {},
): BgNbdFit {
  const { customers, unit } = table;
  if (customers.length === 0) throw new CrmEtlError('BG/NBD fit needs at least one customer');
  if (!customers.some((c) => c.x > 0)) {
    throw new CrmEtlError('BG/NBD fit needs at least one repeat customer (x > 0)', {
      hint: 'With no repeat purchases the dropout parameters a, b cannot be estimated',
    });
  }
  const model = compile(customers);
  const N = model.customers;
  const meanT = customers.reduce((s, c) => s + c.T * (c.count ?? 1), 0) / N;
  const start = [0, Math.log(meanT > 0 ? meanT : 1), 0, 0];
  // Bounded above (MAX_LOG): see the fallback below.
  const at = (v: readonly number[], i: number): number =>
    Math.exp(Math.min(v[i] as number, MAX_LOG[i] as number));
  const fromLog = (v: readonly number[]): Shape => ({
    r: at(v, 0),
    alpha: at(v, 1),
    a: at(v, 2),
    b: at(v, 3),
  });
  // The mean over customers: the same tolerance then means the same thing for 2,000 or 10⁶ of them.
  let result = minimizeSmooth((v) => {
    const { value, gradient } = model.evaluate(fromLog(v), true);
    return { value: -value / N, gradient: gradient.map((g) => -g / N) };
  }, start);
  let evaluations = result.evaluations;
  // On data a Poisson (or no-dropout) process fits as well, the likelihood keeps rising towards a
  // limit at infinity (r, α → ∞ with r/α fixed; a, b → ∞ likewise) and the gradient there fades below
  // any tolerance: such a "converged" point (a, b ≈ 10⁷ seen on a small warehouse) makes the
  // prediction's series overflow. There the parameters are held at their bound (MAX_LOG), where
  // the likelihood is within rounding of its limit, and the simplex search ends.
  if (!result.converged || result.x.some((v, i) => v > (MAX_LOG[i] as number))) {
    const fallback = minimize((v) => -model.evaluate(fromLog(v), false).value, start, options);
    evaluations += fallback.evaluations;
    result = fallback;
  }
  const params = fromLog(result.x);
  return {
    params: { unit, ...params },
    logLikelihood: model.evaluate(params, false).value,
    customers: N,
    evaluations,
    converged: result.converged,
  };
}
