import { DAYS_PER_UNIT } from '../../transforms/clv/index.js';
import { build } from './build-tables.js';
import { BUYER } from './buyers.js';
import { bulk, factsOf, fill, scratchTable, type MartContext } from './context.js';
import { inBase } from './currency.js';

export const CLV_INPUT = 'etl_build_clv_input';

/**
 * Per-customer BG/NBD and Gamma–Gamma inputs, in SQL, exactly as transforms/clv's buildSummary
 * (its reference implementation) defines them for a calibration end E:
 *   purchases are merged per calendar day; x = purchase days − 1;
 *   tx_days = last − first day; t_days = E − first day (whole days: the unit is converted in
 *   Node through transforms/clv/units.ts, the one table of unit lengths);
 *   repeat_value = value of the purchase days after the first (so the mean is repeat_value / x);
 *   historical_value = all revenue up to E.
 * Sums are rounded to cents in SQL so every engine hands Node the same numbers; amounts are in the
 * base currency (currency.ts). When the calibration ends on the as-of day (the default) these are
 * the buyers' aggregates (buyers.ts: same orders, same converted sums), read from there instead of
 * another pass over the orders.
 */
export async function buildClvInput(ctx: MartContext, only?: string): Promise<void> {
  const { sql } = ctx;
  // A refresh scoring with kept models needs the inputs of the customers it predicts only.
  const of = (alias: string) =>
    only ? ` AND ${alias}.customer_id IN (SELECT customer_id FROM ${only})` : '';
  const end = `'${ctx.clv.calibrationEnd}'`;
  // Values in the base currency by each order's month (buildRates ran with the buyers).
  const money = inBase(ctx, 'o', sql.monthIndex('o.order_date'));
  await scratchTable(ctx, {
    name: CLV_INPUT,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'x', type: 'int' },
      { name: 'tx_days', type: 'int' },
      { name: 't_days', type: 'int' },
      { name: 'repeat_value', type: 'money' },
      { name: 'historical_value', type: 'money' },
    ],
    key: ['customer_id'],
  });
  if (ctx.clv.calibrationEnd === ctx.asOf) {
    await fill(
      ctx,
      CLV_INPUT,
      `
      INSERT INTO ${CLV_INPUT} (customer_id, x, tx_days, t_days, repeat_value, historical_value)
      SELECT customer_id, purchase_days - 1, ${sql.daysBetween('first_date', 'last_date')}, ${sql.daysBetween('first_date', end)},
        repeat_value, revenue
      FROM ${BUYER} b WHERE 1 = 1${of('b')}`,
    );
    return;
  }
  await fill(
    ctx,
    CLV_INPUT,
    `
    INSERT INTO ${CLV_INPUT} (customer_id, x, tx_days, t_days, repeat_value, historical_value)
    SELECT customer_id, COUNT(*) - 1, ${sql.daysBetween('MIN(d)', 'MAX(d)')}, ${sql.daysBetween('MIN(d)', end)},
      ${sql.round('SUM(v) - SUM(CASE WHEN d = first_day THEN v ELSE 0 END)')}, ${sql.round('SUM(v)')}
    FROM (
      SELECT o.customer_id, o.order_date AS d, SUM(${money.amount('amount')}) AS v,
        MIN(o.order_date) OVER (PARTITION BY o.customer_id) AS first_day
      FROM ${factsOf(ctx, 'fct_order')} o ${money.join}
      WHERE o.is_revenue = 1 AND o.order_date IS NOT NULL AND o.order_date <= ${end}${of('o')}
      GROUP BY o.customer_id, o.order_date
    ) days
    GROUP BY customer_id`,
  );
}

/**
 * Without a model: historical value and the observed inputs only, set-based. Used when the data
 * are too thin to fit (no or few repeat customers) — predictions stay NULL rather than invented.
 */
export async function insertHistoricalOnly(ctx: MartContext, only?: string): Promise<void> {
  const { sql, clv } = ctx;
  const perUnit = DAYS_PER_UNIT[clv.unit];
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_customer_clv')}
      (customer_id, historical_value, horizon_months, as_of, x, t_x, t_cal, time_unit, mean_repeat_value)
    SELECT customer_id, historical_value, ${clv.horizonMonths}, '${clv.calibrationEnd}', x,
      ${sql.ratio('tx_days', String(perUnit))}, ${sql.ratio('t_days', String(perUnit))}, '${clv.unit}',
      CASE WHEN x > 0 THEN ${sql.round(sql.ratio('repeat_value', 'x'))} ELSE NULL END
    FROM ${CLV_INPUT} c${only ? ` WHERE c.customer_id IN (SELECT customer_id FROM ${only})` : ''}`,
  );
}
