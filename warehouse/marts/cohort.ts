import { build } from './build-tables.js';
import { BUYER, CUSTOMER_MONTH } from './buyers.js';
import { bulk, scratchTable, type MartContext } from './context.js';
import { monthIndexOf } from './sql.js';

/**
 * mart_cohort_retention: customers grouped by the month of their first revenue order; for each
 * month since (period 0 = the first month) up to the as-of month, how many bought again in that
 * month. Every cell exists, zeros included, so a heatmap has no holes; the periods come from a
 * recursive CTE (all three engines have one), not from the months that happen to have orders.
 */
export async function buildCohorts(ctx: MartContext): Promise<void> {
  await insertCohortGrid(ctx, {
    sizes: `(SELECT first_month, MIN(cohort_month) AS cohort_month, COUNT(*) AS cohort_size FROM ${BUYER} GROUP BY first_month)`,
    retained: `(
      SELECT b.first_month, m.month_idx - b.first_month AS k, COUNT(*) AS retained
      FROM ${CUSTOMER_MONTH} m JOIN ${BUYER} b ON b.customer_id = m.customer_id
      GROUP BY b.first_month, m.month_idx - b.first_month)`,
  });
}

/**
 * The mart's grid: every cohort (`sizes`: first_month, cohort_month, cohort_size) × every period
 * up to the as-of month, with the customers retained in it (`retained`: first_month, k, retained;
 * none: 0). A full build counts both from the per-customer tables, a refresh from the live mart
 * and a change of counts (buildCohortsFromLive).
 */
async function insertCohortGrid(ctx: MartContext, from: { sizes: string; retained: string }): Promise<void> {
  const { sql } = ctx;
  const asOfMonth = monthIndexOf(ctx.asOf);
  const [first] = ctx.wh.adapter.rows(
    await ctx.wh.knex.raw(`SELECT MIN(first_month) AS m FROM ${from.sizes} c`),
  );
  if (first?.m === null || first?.m === undefined) return;
  const span = Math.max(0, asOfMonth - Number(first.m));
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_cohort_retention')} (cohort_month, period_number, cohort_size, retained, retention_rate)
    WITH RECURSIVE periods (k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM periods WHERE k < ${span})
    SELECT c.cohort_month, p.k, c.cohort_size, COALESCE(r.retained, 0), ${sql.ratio('COALESCE(r.retained, 0)', 'c.cohort_size')}
    FROM ${from.sizes} c
    JOIN periods p ON p.k <= ${asOfMonth} - c.first_month
    LEFT JOIN ${from.retained} r ON r.first_month = c.first_month AND r.k = p.k`,
  );
}

/**
 * In a refresh: what the recomputed customers change in the cohort table — their cohort sizes
 * (k = −1) and retained cells, their old rows (the kept tables before they are updated in place)
 * counted negative, their new rows positive. Counts, so the live mart plus this is exact.
 */
const COHORT_DELTA = 'etl_incr_cohort_delta';

export async function addCohortDelta(
  ctx: MartContext,
  from: { buyers: string; months: string; only?: string; sign: 1 | -1 },
): Promise<void> {
  if (!ctx.scratch.has(COHORT_DELTA)) {
    await scratchTable(ctx, {
      name: COHORT_DELTA,
      columns: [
        { name: 'first_month', type: 'int' },
        { name: 'k', type: 'int' },
        { name: 'cohort_month', type: 'date' },
        { name: 'n', type: 'int' },
      ],
    });
  }
  const only = from.only ? `JOIN ${from.only} a ON a.customer_id = b.customer_id` : '';
  await bulk(
    ctx,
    `INSERT INTO ${COHORT_DELTA} (first_month, k, cohort_month, n)
     SELECT b.first_month, -1, MIN(b.cohort_month), ${from.sign} * COUNT(*) FROM ${from.buyers} b ${only}
     GROUP BY b.first_month`,
  );
  await bulk(
    ctx,
    `INSERT INTO ${COHORT_DELTA} (first_month, k, cohort_month, n)
     SELECT b.first_month, m.month_idx - b.first_month, NULL, ${from.sign} * COUNT(*)
     FROM ${from.months} m JOIN ${from.buyers} b ON b.customer_id = m.customer_id ${only}
     GROUP BY b.first_month, m.month_idx - b.first_month`,
  );
}

/**
 * mart_cohort_retention of a refresh: the live mart's sizes and retained counts plus the
 * recomputed customers' change (addCohortDelta), on the grid of periods up to the as-of month —
 * a few rows per cohort and period, not a join of every customer's months with the buyers
 * (the customers whose months change are all recomputed: detect.ts adds those with orders
 * between the last as-of day and this one).
 */
export async function buildCohortsFromLive(ctx: MartContext): Promise<void> {
  const { sql } = ctx;
  const live = 'mart_cohort_retention';
  await insertCohortGrid(ctx, {
    sizes: `(
      SELECT first_month, MIN(cohort_month) AS cohort_month, SUM(n) AS cohort_size FROM (
        SELECT ${sql.monthIndex('cohort_month')} AS first_month, cohort_month, cohort_size AS n FROM ${live} WHERE period_number = 0
        UNION ALL SELECT first_month, cohort_month, n FROM ${COHORT_DELTA} WHERE k = -1
      ) s GROUP BY first_month HAVING SUM(n) > 0)`,
    retained: `(
      SELECT first_month, k, SUM(n) AS retained FROM (
        SELECT ${sql.monthIndex('cohort_month')} AS first_month, period_number AS k, retained AS n FROM ${live} WHERE retained <> 0
        UNION ALL SELECT first_month, k, n FROM ${COHORT_DELTA} WHERE k >= 0
      ) d GROUP BY first_month, k)`,
  });
}
