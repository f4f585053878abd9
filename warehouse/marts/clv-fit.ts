import {
  DAYS_PER_UNIT,
  fitBgNbd,
  fitGammaGamma,
  type BgNbdParams,
  type GammaGammaParams,
  type MinimizeOptions,
  type WeightedRecencyFrequency,
  type SpendSummary,
  type TimeUnit,
} from '../../transforms/clv/index.js';
import { describeError } from '../../lib/errors.js';
import { CLV_INPUT } from './clv-input.js';
import type { MartContext } from './context.js';

export interface ClvFitReport {
  status: 'fitted' | 'historical-only';
  /** Unit of t_x, T and α. */
  unit: TimeUnit;
  customers: number;
  repeaters: number;
  /** Customers the purchase model was fitted on (a systematic sample above maxFitCustomers). */
  bgNbd?: BgNbdParams & { logLikelihood: number; converged: boolean; customers: number; sampled: boolean };
  /** Absent when spend could not be modelled: predictions then use each customer's own mean. */
  gammaGamma?: GammaGammaParams & {
    customers: number;
    sampled: boolean;
    frequencyMonetaryCorrelation: number;
  };
}

export interface FittedModels {
  bgNbd: BgNbdParams;
  gammaGamma: GammaGammaParams | null;
}

type Row = Record<string, unknown>;

/**
 * Fits BG/NBD and Gamma–Gamma on the SQL-computed inputs. Node never loads the customer table:
 * BG/NBD reads the distinct (x, t_x, T) with their counts (the likelihood depends on nothing
 * else), Gamma–Gamma the distinct (x, repeat value) with theirs; both likelihoods take the counts
 * as weights. Above maxFitCustomers both read every k-th customer id only.
 */
export async function fitClvModels(
  ctx: MartContext,
): Promise<{ report: ClvFitReport; models: FittedModels | null }> {
  const { wh, clv } = ctx;
  const rows = async (sql: string): Promise<Row[]> => wh.adapter.rows(await wh.knex.raw(sql));
  const [counts] = await rows(
    `SELECT COUNT(*) AS customers, COALESCE(SUM(CASE WHEN x > 0 THEN 1 ELSE 0 END), 0) AS repeaters FROM ${CLV_INPUT}`,
  );
  const customers = Number(counts?.customers ?? 0);
  const repeaters = Number(counts?.repeaters ?? 0);
  const report: ClvFitReport = { status: 'historical-only', unit: clv.unit, customers, repeaters };
  if (customers < clv.minCustomers || repeaters < clv.minRepeaters) {
    ctx.notes.push(
      `CLV: ${customers} customers, ${repeaters} with a repeat purchase by ${clv.calibrationEnd} — too few to fit ` +
        `the purchase model (needs ${clv.minCustomers} and ${clv.minRepeaters}); mart_customer_clv holds historical value only`,
    );
    return { report, models: null };
  }

  const perUnit = DAYS_PER_UNIT[clv.unit];
  const step = sampleStep(customers, clv.maxFitCustomers);
  const sample = step > 1 ? ` WHERE customer_id % ${step} = 0` : '';
  // Distinct inputs with their counts, grouped and ordered by the engine: Node holds one row per
  // distinct (x, t_x, T) — whole days, so customers who started and last bought on the same days
  // share one — and the summation order (so the last digits) is the same on every engine.
  const table: WeightedRecencyFrequency[] = (
    await rows(
      `SELECT x, tx_days, t_days, COUNT(*) AS n FROM ${CLV_INPUT}${sample} GROUP BY x, tx_days, t_days ORDER BY x, tx_days, t_days`,
    )
  ).map((r) => ({
    x: Number(r.x),
    tx: Number(r.tx_days) / perUnit,
    T: Number(r.t_days) / perUnit,
    count: Number(r.n),
  }));
  let bg;
  try {
    bg = fitBgNbd({ unit: clv.unit, customers: table }, tolerances(table.length));
  } catch (err) {
    ctx.notes.push(
      `CLV: the purchase model could not be fitted (${describeError(err)}); historical value only`,
    );
    return { report, models: null };
  }
  if (!bg.converged) {
    ctx.notes.push('CLV: the purchase model did not converge; historical value only');
    return { report, models: null };
  }
  report.status = 'fitted';
  report.bgNbd = {
    ...bg.params,
    logLikelihood: bg.logLikelihood,
    converged: bg.converged,
    customers: bg.customers,
    sampled: step > 1,
  };
  if (step > 1) {
    ctx.notes.push(
      `CLV: the models were fitted on every ${step}th customer id (${bg.customers} of ${customers}); predictions cover every customer`,
    );
  }
  return { report, models: { bgNbd: bg.params, gammaGamma: await fitSpend(ctx, report, rows) } };
}

/**
 * Optimiser tolerances for a likelihood summed over n customers. The defaults ask the values of
 * the simplex to agree within 1e-10 absolute: below the rounding noise of a sum of 100,000 terms
 * (|LL| ≈ 10⁶), so large fits never "converge". 1e-13·n stays above that noise and far below
 * what moves a parameter in its third decimal; small data (CDNOW) keep the defaults.
 */
function tolerances(n: number): MinimizeOptions {
  return { fTolerance: Math.max(1e-10, 1e-13 * n), xTolerance: n > 10_000 ? 1e-7 : 1e-9 };
}

/** Every k-th customer id keeps a sample under the cap (ids are dense, so about count / k of them). */
function sampleStep(count: number, cap: number): number {
  return Math.max(1, Math.ceil(count / cap));
}

async function fitSpend(
  ctx: MartContext,
  report: ClvFitReport,
  rows: (sql: string) => Promise<Row[]>,
): Promise<GammaGammaParams | null> {
  const usable = `x > 0 AND repeat_value > 0`;
  const [count] = await rows(`SELECT COUNT(*) AS n FROM ${CLV_INPUT} WHERE ${usable}`);
  const step = sampleStep(Number(count?.n ?? 0), ctx.clv.maxFitCustomers);
  // Distinct (x, repeat value) with counts, as for BG/NBD: repeat values are cents, so equal
  // ones are common and the engine merges them.
  const sample: SpendSummary[] = (
    await rows(
      `SELECT x, repeat_value, COUNT(*) AS n FROM ${CLV_INPUT} WHERE ${usable}${step > 1 ? ` AND customer_id % ${step} = 0` : ''}
       GROUP BY x, repeat_value ORDER BY x, repeat_value`,
    )
  ).map((r) => ({ x: Number(r.x), monetary: Number(r.repeat_value) / Number(r.x), count: Number(r.n) }));
  try {
    const gg = fitGammaGamma(sample, tolerances(sample.length));
    if (!gg.converged || !(gg.params.q > 1))
      throw new Error(gg.converged ? `q = ${gg.params.q} ≤ 1` : 'no convergence');
    report.gammaGamma = {
      ...gg.params,
      customers: gg.customers,
      sampled: step > 1,
      frequencyMonetaryCorrelation: gg.frequencyMonetaryCorrelation,
    };
    if (Math.abs(gg.frequencyMonetaryCorrelation) > 0.3) {
      ctx.notes.push(
        `CLV: spend correlates with frequency (ρ = ${gg.frequencyMonetaryCorrelation.toFixed(2)}); expected order values may be biased`,
      );
    }
    return gg.params;
  } catch (err) {
    ctx.notes.push(
      `CLV: spend model not fitted (${describeError(err)}); each customer's own mean order value is used`,
    );
    return null;
  }
}
