/**
 * BG/NBD ("beta-geometric / negative binomial distribution", Fader, Hardie & Lee 2005): while alive
 * a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). This file holds the likelihood and its maximum-likelihood fit; the
 * predictions are in bg-nbd-predict.ts.
 */
import { CrmEtlError } from '../../lib/errors.js';
import { minimize, type MinimizeOptions } from './optimize.js';
import { lgamma, logAddExp } from './special-functions.js';
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
 * Turns a table into a function of (r, α, a, b). The terms that depend on x only — four log-gammas —
 * are summed once per distinct x with its count, so an evaluation costs a few logs per customer
 * however long the optimiser runs; customers with equal (x, t_x, T) are merged too.
 */
function compile(customers: readonly RecencyFrequency[]): (p: Shape) => number {
  const rows = new Map<string, { x: number; tx: number; T: number; n: number }>();
  const countByX = new Map<number, number>();
  for (const c of customers) {
    assertRecencyFrequency(c);
    const key = `${c.x}|${c.tx}|${c.T}`;
    const row = rows.get(key);
    if (row) row.n++;
    else rows.set(key, { x: c.x, tx: c.tx, T: c.T, n: 1 });
    countByX.set(c.x, (countByX.get(c.x) ?? 0) + 1);
  }
  const list = [...rows.values()];
  const byX = [...countByX.entries()];
  return ({ r, alpha, a, b }) => {
    const lnAlpha = Math.log(alpha);
    let total = 0;
    // ln A1 + ln A2 = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    const constant = -lgamma(r) + r * lnAlpha + lgamma(a + b) - lgamma(b);
    for (const [x, n] of byX) total += n * (constant + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x));
    const lnA = Math.log(a);
    for (const { x, tx, T, n } of list) {
      // ln(A3 + δ(x>0)·A4): alive at T, or dropped out right after the last purchase at t_x.
      const aliveTerm = -(r + x) * Math.log(alpha + T);
      const deadTerm = x > 0 ? lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
      total += n * logAddExp(aliveTerm, deadTerm);
    }
    return total;
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
  return compile(table.customers)(params);
}

/**
 * Maximum-likelihood fit of (r, α, a, b). The search runs on log-parameters, which keeps them
 * positive without constraints and makes the problem scale-free: the start α₀ = mean T is in the
 * table's unit, so a table in days follows the same search as that table in weeks (log α shifted by
 * ln 7, equal up to rounding) and ends at α_day = 7·α_week with r, a, b unchanged.
 */
export function fitBgNbd(table: SummaryTable<RecencyFrequency>, options: MinimizeOptions = {}): BgNbdFit {
  const { customers, unit } = table;
  if (customers.length === 0) throw new CrmEtlError('BG/NBD fit needs at least one customer');
  if (!customers.some((c) => c.x > 0)) {
    throw new CrmEtlError('BG/NBD fit needs at least one repeat customer (x > 0)', {
      hint: 'With no repeat purchases the dropout parameters a, b cannot be estimated',
    });
  }
  const logLik = compile(customers);
  const meanT = customers.reduce((s, c) => s + c.T, 0) / customers.length;
  const start = [0, Math.log(meanT > 0 ? meanT : 1), 0, 0];
  const fromLog = (v: readonly number[]): Shape => ({
    r: Math.exp(v[0] as number),
    alpha: Math.exp(v[1] as number),
    a: Math.exp(v[2] as number),
    b: Math.exp(v[3] as number),
  });
  const result = minimize((v) => -logLik(fromLog(v)), start, options);
  return {
    params: { unit, ...fromLog(result.x) },
    logLikelihood: -result.value,
    customers: customers.length,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}
