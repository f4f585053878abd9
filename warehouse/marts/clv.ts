import {
  bgNbdExpectedPurchasesCurve,
  bgNbdPAlive,
  DAYS_PER_UNIT,
  predictCustomerClv,
  type BgNbdParams,
  type ClvCustomer,
  type ClvPrediction,
  CurveCache,
} from '../../transforms/clv/index.js';
import { build } from './build-tables.js';
import { buildClvInput, CLV_INPUT, insertHistoricalOnly } from './clv-input.js';
import { fitClvModels, type ClvFitReport, type FittedModels } from './clv-fit.js';
import type { MartContext } from './context.js';

/** Customers read, predicted and written (adapter.insertRows) per page. */
const PAGE = 5_000;

/** How the nightly refresh (incremental/) runs the CLV step; a plain full build fits and predicts all. */
export interface ClvPlan {
  /** Models fitted by an earlier build and not due for a refit: used as they are, nothing is fitted. */
  stored?: FittedClv;
  /**
   * A table of customer ids: only they are predicted; every other customer's row stays as it is
   * in the live mart (their inputs and the models did not change), where the refresh reads it.
   */
  only?: string;
}

export interface FittedClv {
  report: ClvFitReport;
  /** null: too little data to fit, historical value only. */
  models: FittedModels | null;
}

/**
 * mart_customer_clv: SQL computes the inputs, Node fits the models (clv-fit.ts) and streams the
 * predictions back page by page (keyset on customer_id), so memory stays flat however many
 * customers there are. With too little data the mart holds historical value only.
 */
export async function buildClv(ctx: MartContext, plan: ClvPlan = {}): Promise<FittedClv> {
  // Kept models and a list of customers: the others' inputs are not read (no fit needs them).
  await buildClvInput(ctx, plan.stored && plan.only ? plan.only : undefined);
  const fitted = plan.stored ?? (await fitClvModels(ctx));
  if (fitted.models) await writePredictions(ctx, fitted.models, plan.only);
  else await insertHistoricalOnly(ctx, plan.only);
  return fitted;
}

async function writePredictions(ctx: MartContext, models: FittedModels, only?: string): Promise<void> {
  const { clv } = ctx;
  const perUnit = DAYS_PER_UNIT[clv.unit];
  const options = { horizonMonths: clv.horizonMonths, monthlyDiscountRate: clv.monthlyDiscountRate };
  // Customers with equal (x, T) share their expected-purchases curve: computed once per build.
  const cache = new CurveCache();
  await ctx.wh.knex.transaction(async (trx) => {
    let after: number | null = null;
    for (;;) {
      const query = trx(CLV_INPUT)
        .select('customer_id', 'x', 'tx_days', 't_days', 'repeat_value', 'historical_value')
        .orderBy('customer_id')
        .limit(PAGE);
      if (after !== null) query.where('customer_id', '>', after);
      if (only) query.whereIn('customer_id', trx(only).select('customer_id'));
      const page = (await query) as Array<Record<string, number | string>>;
      if (page.length === 0) break;
      const rows = page.map((r) => {
        const x = Number(r.x);
        const historical = Number(r.historical_value);
        const customer: ClvCustomer = {
          x,
          tx: Number(r.tx_days) / perUnit,
          T: Number(r.t_days) / perUnit,
          monetary: x > 0 ? Number(r.repeat_value) / x : 0,
        };
        const p = models.gammaGamma
          ? predictCustomerClv(
              { bgNbd: models.bgNbd, gammaGamma: models.gammaGamma },
              customer,
              clv.unit,
              options,
              cache,
            )
          : predictWithOwnMean(models.bgNbd, customer, historical / (x + 1), options, cache);
        return {
          customer_id: Number(r.customer_id),
          historical_value: historical,
          expected_purchases: p.expectedPurchases,
          p_alive: p.pAlive,
          expected_avg_value: cents(p.expectedAvgValue),
          clv: cents(p.clv),
          horizon_months: clv.horizonMonths,
          as_of: clv.calibrationEnd,
          x,
          t_x: customer.tx,
          t_cal: customer.T,
          time_unit: clv.unit,
          mean_repeat_value: x > 0 ? cents(customer.monetary) : null,
        };
      });
      await ctx.wh.adapter.insertRows(trx, build('mart_customer_clv'), Object.keys(rows[0]!), rows);
      after = Number(page[page.length - 1]!.customer_id);
    }
  });
}

/**
 * CLV when spend could not be modelled: BG/NBD's monthly expected purchases valued at the
 * customer's own mean purchase value, discounted monthly — the same sum as predictCustomerClv.
 */
function predictWithOwnMean(
  bgNbd: BgNbdParams,
  customer: ClvCustomer,
  meanValue: number,
  options: { horizonMonths: number; monthlyDiscountRate: number },
  cache: CurveCache,
): ClvPrediction {
  const months = Array.from({ length: options.horizonMonths }, (_, i) => ({
    value: i + 1,
    unit: 'month' as const,
  }));
  const inModelUnit = { x: customer.x, tx: customer.tx, T: customer.T };
  const curve = bgNbdExpectedPurchasesCurve(bgNbd, inModelUnit, months, cache);
  let clv = 0;
  let previous = 0;
  curve.forEach((purchases, i) => {
    clv += ((purchases - previous) * meanValue) / Math.pow(1 + options.monthlyDiscountRate, i + 1);
    previous = purchases;
  });
  return {
    pAlive: bgNbdPAlive(bgNbd, inModelUnit),
    expectedPurchases: previous,
    expectedAvgValue: meanValue,
    clv,
    horizonMonths: options.horizonMonths,
  };
}

function cents(value: number): number {
  return (Math.sign(value) * Math.round(Math.abs(value) * 100)) / 100;
}
