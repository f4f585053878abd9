import type { MartContext } from '../context.js';
import { ORDER_MONTH_COLUMNS } from '../currency.js';
import { FACT_STATE, NEW_FACTS } from './detect.js';
import { KEPT_ORDER_MONTH } from './state.js';

/**
 * The refresh's ORDER_MONTH (currency.ts) without a pass over every order: the last build's rows
 * plus what changes between them and fct_order as the commit leaves it. The commit replaces the
 * facts of NEW_FACTS' orders and leaves every other fact as it is (facts that went with a deleted
 * customer make the refresh take the full pass instead: refresh.ts factsKept), so the rows change
 * by: the live facts of those orders taken away (counted by the last build's as-of day), their
 * new facts added (counted by this one's), and, when the as-of day moved, the facts between the
 * two days that stay, taken away as the last build counted them and added as this one does —
 * the other facts count alike under both days. A few index probes and one day's orders, where
 * taking away and adding back every fact of the affected customers read a tenth of fct_order
 * twice on the bench's night. Sums are of cents (amounts are DECIMAL(…, 2)), so adding and
 * taking away rounded sums gives the full pass's figures; `amounts` tells a sum of nothing (NULL
 * in a full pass) from zero.
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
  // The live facts of those orders, by the keys FACT_STATE found them under (a few thousand):
  // by NEW_FACTS' keys PostgreSQL hashed every order of fct_order instead.
  const replaced = `fct_order o WHERE o.order_id IN
    (SELECT CONCAT(s.source, ':', s.source_key) FROM ${FACT_STATE} s WHERE s.old_customer IS NOT NULL)`;
  const [lo, hi] = [previousAsOf, ctx.asOf].sort();
  const between = `fct_order o WHERE o.order_date > '${lo}' AND o.order_date <= '${hi}'
    AND NOT EXISTS (SELECT 1 FROM ${NEW_FACTS} n WHERE n.order_id = o.order_id)`;
  const dayMoved =
    lo === hi ? '' : `UNION ALL ${part(between, previousAsOf, '-')} UNION ALL ${part(between, ctx.asOf, '')}`;
  return `
    SELECT currency, month_idx, counted, ${nothing('revenue')}, ${nothing('margin')}, SUM(orders), SUM(amounts)
    FROM (
      SELECT ${ORDER_MONTH_COLUMNS} FROM ${KEPT_ORDER_MONTH}
      UNION ALL ${part(replaced, previousAsOf, '-')}
      UNION ALL ${part(`${NEW_FACTS} o`, ctx.asOf, '')}
      ${dayMoved}
    ) d
    GROUP BY currency, month_idx, counted
    HAVING SUM(orders) <> 0`;
}
