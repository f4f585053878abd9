import { build } from './build-tables.js';
import { fill, revenueFilter, scratchTable, type MartContext } from './context.js';
import { keepInPlace } from './keep-in-place.js';
import { buildRates, inBase } from './currency.js';
import { MONTHS_PER_PERIOD } from './periods.js';

export const BUYER = 'etl_build_buyer';
export const CUSTOMER_MONTH = 'etl_build_customer_month';
export const CUSTOMER_PERIOD = 'etl_build_customer_period';
/** In a refresh: the recomputed customers' rows; BUYER and CUSTOMER_MONTH are then views (kept-view.ts). */
export const BUYER_NEW = 'etl_incr_buyer';
export const CUSTOMER_MONTH_NEW = 'etl_incr_customer_month';

export const BUYER_COLUMNS =
  'customer_id, first_date, last_date, orders, revenue, cost, first_month, cohort_month, channel, purchase_days, repeat_value';

/** Where the aggregates are computed from: a full build reads every fact; the nightly refresh some. */
export interface BuyerSource {
  /** Order facts to aggregate (default: the fct_order being built). */
  facts?: string;
  /** Customers whose rows are recomputed from `facts`; the others' are read from the kept tables. */
  except?: string;
  keptBuyers?: string;
  keptMonths?: string;
}

/**
 * Per-customer aggregates of the revenue orders up to the as-of day, computed once, in ONE pass
 * over fct_order, and read by RFM, cohorts, CLV inputs, profitability and the scoreboard: first
 * and last order, count, revenue, cost (in the base currency: currency.ts), first month (cohort), the channel of the first order
 * (acquisition channel; same-day ties go to the lowest order id in code point order), and for
 * the CLV inputs (clv-input.ts) the number of purchase days and the revenue after the first
 * purchase day. One window (customer, day, order id) gives the first order (rn = 1), a new
 * purchase day (the day differs from the previous order's) and the first day (FIRST_VALUE):
 * one sort of the orders, where RFM, CLV inputs and profitability used to make a pass each.
 * Without a sort — a hash aggregate per (customer, day), then per customer with the first day's
 * channel and amount as the MIN of a text array under "C" — PostgreSQL gained nothing: the bench's
 * 1M customers / 10M orders, load ~4 on 2 cores, 87.5 s wall / 49.8 s backend CPU against 92.9 s /
 * 50.6 s for this window (a synthetic table at load ~13: 67.7 s CPU against 22.4 s). Its 9.5M day
 * groups with their decimal sums cost what the sort of the orders does.
 */
export async function buildBuyers(ctx: MartContext, from: BuyerSource = {}): Promise<void> {
  const { sql } = ctx;
  const facts = from.facts ?? build('fct_order');
  // The nightly refresh computes the affected customers' rows into tables of their own, then puts
  // them in the tables the last build kept, read through views (keep-in-place.ts).
  const { except, keptBuyers, keptMonths } = from;
  const refresh = except && keptBuyers && keptMonths ? { except, keptBuyers, keptMonths } : undefined;
  const buyers = refresh ? BUYER_NEW : BUYER;
  const months = refresh ? CUSTOMER_MONTH_NEW : CUSTOMER_MONTH;
  // Revenue and cost in the base currency, by the rate of each order's month.
  await buildRates(ctx);
  const money = inBase(ctx, 'o', sql.monthIndex('o.order_date'));
  await scratchTable(ctx, {
    name: buyers,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'first_date', type: 'date' },
      { name: 'last_date', type: 'date' },
      { name: 'orders', type: 'int' },
      { name: 'revenue', type: 'money' },
      { name: 'cost', type: 'money' },
      { name: 'first_month', type: 'int' },
      { name: 'cohort_month', type: 'date' },
      { name: 'channel', type: 'key' },
      { name: 'purchase_days', type: 'int' },
      { name: 'repeat_value', type: 'money' },
    ],
    key: ['customer_id'],
    // A refresh's new rows only go into the kept table, which has its own indexes (keep-in-place.ts).
    indexes: refresh ? [] : [['channel', 'first_month'], ['first_month']],
  });
  const order = `PARTITION BY o.customer_id ORDER BY o.order_date, ${sql.sortKey('o.order_id')}`;
  const window = `OVER (${order})`;
  // The default frame (RANGE … CURRENT ROW) makes SQLite look for the current row's peers on every
  // row, though order_id leaves none: a ROWS frame gives the same first row and cut the statement's
  // CPU time there by a third (100k customers: 4.3 s → 2.9 s).
  const firstRow = `OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  await fill(
    ctx,
    buyers,
    `
    INSERT INTO ${buyers} (${BUYER_COLUMNS})
    SELECT customer_id, MIN(order_date), MAX(order_date), COUNT(*), ${sql.round('SUM(amount)')},
      ${sql.round('SUM(COALESCE(cost, 0))')}, ${sql.monthIndex('MIN(order_date)')},
      ${ctx.wh.adapter.dateTrunc('month', 'MIN(order_date)')}, MAX(CASE WHEN rn = 1 THEN channel END),
      SUM(new_day), ${sql.round('SUM(amount) - SUM(CASE WHEN order_date = first_day THEN amount ELSE 0 END)')}
    FROM (
      SELECT o.customer_id, o.order_date, ${money.amount('amount')} AS amount, ${money.amount('cost')} AS cost, o.channel,
        ROW_NUMBER() ${window} AS rn,
        CASE WHEN o.order_date = LAG(o.order_date) ${window} THEN 0 ELSE 1 END AS new_day,
        FIRST_VALUE(o.order_date) ${firstRow} AS first_day
      FROM ${facts} o ${money.join} WHERE ${revenueFilter(ctx, 'o')}
    ) o
    GROUP BY customer_id`,
  );

  // Which months each customer bought in: the cells of the cohort table and the scoreboard's activity.
  // In key order where the key is kept up during the fill (SQLite, MySQL: adapter.buildInsertOrder):
  // hashed pairs entering a B-tree at random cost more than the pass itself (measured on
  // PostgreSQL when it too kept the key up, 100k customers, load ~20: 9.0 s unsorted, 6.2 s
  // sorted); PostgreSQL now adds the key after the fill (adapter.keysAfterFill), one sort. Grouping these
  // months out of the buyers' window instead (a table per customer and month, regrouped per
  // customer) was slower there: 17.7–19.6 s against 13.6–14.0 s for the window and this pass.
  await scratchTable(ctx, {
    name: months,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'month_idx', type: 'int' },
    ],
    key: ['customer_id', 'month_idx'],
    indexes: refresh ? [] : [['month_idx']],
  });
  await fill(
    ctx,
    months,
    `
    INSERT INTO ${months} (customer_id, month_idx)
    SELECT DISTINCT customer_id, ${sql.monthIndex('order_date')} FROM ${facts} WHERE ${revenueFilter(ctx)}
    ${ctx.wh.adapter.buildInsertOrder('1, 2')}`,
  );
  if (refresh) {
    const { except: e } = refresh;
    await keepInPlace(ctx, BUYER, {
      kept: refresh.keptBuyers,
      except: e,
      fresh: BUYER_NEW,
      columns: BUYER_COLUMNS,
      key: ['customer_id'],
      text: ['channel'],
    });
    await keepInPlace(ctx, CUSTOMER_MONTH, {
      kept: refresh.keptMonths,
      except: e,
      fresh: CUSTOMER_MONTH_NEW,
      columns: 'customer_id, month_idx',
      key: ['customer_id', 'month_idx'],
    });
  }

  const k = MONTHS_PER_PERIOD[ctx.grain];
  // Monthly periods are the months themselves: customerPeriods reads CUSTOMER_MONTH.
  if (k === 1) return;
  await scratchTable(ctx, {
    name: CUSTOMER_PERIOD,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'period_idx', type: 'int' },
    ],
    key: ['customer_id', 'period_idx'],
    indexes: [['period_idx']],
  });
  await fill(
    ctx,
    CUSTOMER_PERIOD,
    `
    INSERT INTO ${CUSTOMER_PERIOD} (customer_id, period_idx)
    SELECT DISTINCT customer_id, ${sql.floorDiv('month_idx', k)} FROM ${CUSTOMER_MONTH}`,
  );
}

/** The (customer_id, period_idx) pairs of the periods each customer bought in, as a FROM item. */
export function customerPeriods(ctx: MartContext): string {
  return MONTHS_PER_PERIOD[ctx.grain] === 1
    ? `(SELECT customer_id, month_idx AS period_idx FROM ${CUSTOMER_MONTH})`
    : CUSTOMER_PERIOD;
}
