import type { Knex } from 'knex';
import { build } from '../build-tables.js';
import { BUYER } from '../buyers.js';
import { bulk, fill, scratchTable, type MartContext } from '../context.js';
import { quintile, rfmSegmentSql } from '../rfm.js';
import { AFFECTED } from './detect.js';

const R_SCORE = 'etl_incr_rfm_r';
const F_SCORE = 'etl_incr_rfm_f';
const M_SCORE = 'etl_incr_rfm_m';

/** Whole days from the last build's as-of day to this one's (both 'YYYY-MM-DD'): every recency moves by it. */
export function asOfShift(previous: string, asOf: string): number {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${previous}T00:00:00Z`)) / 86_400_000);
}

/**
 * The score of every value one RFM measure takes: a full build ranks every customer
 * (RANK() OVER the measure, worst to best), and a customer's rank is one more than the customers
 * strictly worse — the running count of customers over the values before its own (a count of
 * distinct values would be DENSE_RANK, and wrong). So the scores come from one grouped pass over
 * the per-customer table, a row per distinct value, not per customer.
 */
async function scoreValues(
  ctx: MartContext,
  table: string,
  value: { expr: string; type: 'int' | 'money'; worstFirst: 'ASC' | 'DESC' },
): Promise<void> {
  const { sql } = ctx;
  await scratchTable(ctx, {
    name: table,
    columns: [
      { name: 'v', type: value.type },
      { name: 'score', type: 'int' },
    ],
    key: ['v'],
  });
  const running = `SUM(c) OVER (ORDER BY v ${value.worstFirst} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
  await fill(
    ctx,
    table,
    `
    INSERT INTO ${table} (v, score)
    SELECT v, ${quintile(sql, 'rnk')} FROM (
      SELECT v, ${running} - c + 1 AS rnk, n
      FROM (SELECT v, COUNT(*) AS c FROM (SELECT ${value.expr} AS v FROM ${BUYER}) b GROUP BY v) g
      CROSS JOIN (SELECT COUNT(*) AS n FROM ${BUYER}) t
    ) ranked`,
  );
}

/**
 * mart_customer_rfm of a refresh. `whole` (refresh.ts decides): every customer's row, scored
 * from the per-customer table through the same score tables — the whole mart, to be swapped in.
 * Otherwise the rows that differ from the live mart: the scores of every
 * value (scoreValues, from the per-customer table updated in place), then into the build table
 * only the affected customers' rows (their measures changed) and the other customers' rows whose
 * scores moved with a cut point (their live measures looked up in the score tables: one pass over
 * the live mart, no rank over every customer). When the as-of day moved, every recency moves by
 * the same days (`shift`), which keeps their order and so the recency ranks; the commit moves the
 * recency and as_of of the rows left in place (commitRfm). The segment follows from the scores.
 */
export async function buildRfmChanges(ctx: MartContext, shift: number, whole = false): Promise<void> {
  const { sql, asOf } = ctx;
  const recency = sql.daysBetween('last_date', `'${asOf}'`);
  await scoreValues(ctx, R_SCORE, { expr: recency, type: 'int', worstFirst: 'DESC' });
  await scoreValues(ctx, F_SCORE, { expr: 'orders', type: 'int', worstFirst: 'ASC' });
  await scoreValues(ctx, M_SCORE, { expr: 'revenue', type: 'money', worstFirst: 'ASC' });
  const insert = (select: string) =>
    bulk(
      ctx,
      `
      INSERT INTO ${build('mart_customer_rfm')}
        (customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment, as_of)
      SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
        ${rfmSegmentSql('r_score', 'f_score', 'm_score')}, '${asOf}'
      FROM (${select}) scored`,
    );
  const customers = whole ? `${BUYER} b` : `${AFFECTED} a JOIN ${BUYER} b ON b.customer_id = a.customer_id`;
  await insert(
    `SELECT b.customer_id, ${recency} AS recency_days, b.orders AS frequency, b.revenue AS monetary,
       r.score AS r_score, f.score AS f_score, m.score AS m_score
     FROM ${customers}
     JOIN ${R_SCORE} r ON r.v = ${recency} JOIN ${F_SCORE} f ON f.v = b.orders JOIN ${M_SCORE} m ON m.v = b.revenue`,
  );
  if (whole) return;
  await insert(
    `SELECT l.customer_id, l.recency_days + ${shift} AS recency_days, l.frequency, l.monetary,
       r.score AS r_score, f.score AS f_score, m.score AS m_score
     FROM mart_customer_rfm l
     JOIN ${R_SCORE} r ON r.v = l.recency_days + ${shift} JOIN ${F_SCORE} f ON f.v = l.frequency
     JOIN ${M_SCORE} m ON m.v = l.monetary
     WHERE NOT EXISTS (SELECT 1 FROM ${AFFECTED} a WHERE a.customer_id = l.customer_id)
       AND (r.score <> l.r_score OR f.score <> l.f_score OR m.score <> l.m_score)`,
  );
}

/** The steps after RFM read a customer's segment from the build table, else from the live mart. */
export function readLiveSegments(ctx: MartContext): void {
  ctx.readFrom.set('mart_customer_rfm', 'mart_customer_rfm');
}

/**
 * In the refresh's transaction: the affected customers' rows and those rescored go, the others
 * get the new recency and as-of day in place when the day moved (one UPDATE of two columns no
 * index holds, no score recomputed: their order, and so their ranks, did not change), and the
 * new rows go in. The UPDATE still writes a new version of every such row (on PostgreSQL, not
 * HOT: a freshly filled heap has no free space), so a night whose as-of day moved costs a pass
 * over the mart.
 */
export async function commitRfm(ctx: MartContext, trx: Knex.Transaction, shift: number): Promise<void> {
  const mart = 'mart_customer_rfm';
  const asOf = ctx.asOf;
  const { adapter } = ctx.wh;
  // Two statements, not one WHERE … IN (…) OR … IN (…): an OR keeps PostgreSQL from making the
  // subqueries semi-joins, and a subquery too big for work_mem to hash is then scanned again for
  // every live row (1M customers: 350,000 rescored rows, the DELETE still running after 12 min).
  await trx.raw(adapter.deleteByKeys(mart, 'm', 'customer_id', `SELECT customer_id AS k FROM ${AFFECTED}`));
  await trx.raw(
    adapter.deleteByKeys(mart, 'm', 'customer_id', `SELECT customer_id AS k FROM ${build(mart)}`),
  );
  if (shift !== 0) {
    await trx.raw(`UPDATE ${mart} SET recency_days = recency_days + ${shift}, as_of = '${asOf}'`);
  }
  await trx.raw(`INSERT INTO ${mart} SELECT * FROM ${build(mart)}`);
}
