import type { MartContext } from '../context.js';
import { ORDER_MONTH_COLUMNS } from '../currency.js';
import { AFFECTED, AFFECTED_FACTS } from './detect.js';
import { KEPT_ORDER_MONTH } from './state.js';

/**
 * The refresh's ORDER_MONTH (currency.ts) without a pass over every order: the last build's rows,
 * minus the affected customers' orders as fct_order holds them (counted by the last build's
 * as-of day), plus their new facts (counted by this one). Customers not affected have no order
 * between the two days (detect.ts), so whether theirs count did not change. Sums are of cents
 * (amounts are DECIMAL(…, 2)), so adding and taking away rounded sums gives the full pass's
 * figures; `amounts` tells a sum of nothing (NULL in a full pass) from zero.
 */
export function orderMonthDeltaSql(ctx: MartContext, previousAsOf: string): string {
  const { sql } = ctx;
  const counted = (asOf: string) =>
    `CASE WHEN o.is_revenue = 1 AND o.order_date IS NOT NULL AND o.order_date <= '${asOf}' THEN 1 ELSE 0 END`;
  const part = (from: string, asOf: string, sign: '' | '-') => `
    SELECT currency, m, counted, ${sign}${sql.round('SUM(amount)')}, ${sign}${sql.round('SUM(amount - COALESCE(cost, 0))')},
      ${sign}COUNT(*), ${sign}COUNT(amount)
    FROM (SELECT o.currency, ${sql.monthIndex('o.order_date')} AS m, ${counted(asOf)} AS counted, o.amount, o.cost FROM ${from}) o
    GROUP BY currency, m, counted`;
  const nothing = (column: string) =>
    `CASE WHEN SUM(amounts) = 0 THEN NULL ELSE ${sql.round(`SUM(${column})`)} END`;
  return `
    SELECT currency, month_idx, counted, ${nothing('revenue')}, ${nothing('margin')}, SUM(orders), SUM(amounts)
    FROM (
      SELECT ${ORDER_MONTH_COLUMNS} FROM ${KEPT_ORDER_MONTH}
      UNION ALL ${part(`fct_order o JOIN ${AFFECTED} a ON a.customer_id = o.customer_id`, previousAsOf, '-')}
      UNION ALL ${part(`${AFFECTED_FACTS} o`, ctx.asOf, '')}
    ) d
    GROUP BY currency, month_idx, counted
    HAVING SUM(orders) <> 0`;
}
