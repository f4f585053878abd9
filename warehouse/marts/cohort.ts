import { build } from './build-tables.js';
import { BUYER, CUSTOMER_MONTH } from './buyers.js';
import { bulk, type MartContext } from './context.js';
import { monthIndexOf } from './sql.js';

/**
 * mart_cohort_retention: customers grouped by the month of their first revenue order; for each
 * month since (period 0 = the first month) up to the as-of month, how many bought again in that
 * month. Every cell exists, zeros included, so a heatmap has no holes; the periods come from a
 * recursive CTE (all three engines have one), not from the months that happen to have orders.
 */
export async function buildCohorts(ctx: MartContext): Promise<void> {
  const { sql } = ctx;
  const asOfMonth = monthIndexOf(ctx.asOf);
  const [first] = ctx.wh.adapter.rows(await ctx.wh.knex.raw(`SELECT MIN(first_month) AS m FROM ${BUYER}`));
  if (first?.m === null || first?.m === undefined) return;
  const span = Math.max(0, asOfMonth - Number(first.m));
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_cohort_retention')} (cohort_month, period_number, cohort_size, retained, retention_rate)
    WITH RECURSIVE periods (k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM periods WHERE k < ${span})
    SELECT c.cohort_month, p.k, c.cohort_size, COALESCE(r.retained, 0), ${sql.ratio('COALESCE(r.retained, 0)', 'c.cohort_size')}
    FROM (SELECT first_month, MIN(cohort_month) AS cohort_month, COUNT(*) AS cohort_size FROM ${BUYER} GROUP BY first_month) c
    JOIN periods p ON p.k <= ${asOfMonth} - c.first_month
    LEFT JOIN (
      SELECT b.first_month, m.month_idx - b.first_month AS k, COUNT(*) AS retained
      FROM ${CUSTOMER_MONTH} m JOIN ${BUYER} b ON b.customer_id = m.customer_id
      GROUP BY b.first_month, m.month_idx - b.first_month
    ) r ON r.first_month = c.first_month AND r.k = p.k`,
  );
}
