import { RFM_SEGMENT_TABLE } from '../../transforms/clv/index.js';
import { build } from './build-tables.js';
import { BUYER } from './buyers.js';
import { bulk, type MartContext } from './context.js';
import { str, type Sql } from './sql.js';

/**
 * The RFM segment map of transforms/clv as a SQL CASE. F + M bounds stand for ⌊(F + M)/2⌋ so no
 * division is needed; the grid is total, so every (R, F, M) lands in exactly one segment.
 */
export function rfmSegmentSql(r: string, f: string, m: string): string {
  const whens = RFM_SEGMENT_TABLE.map(
    (rule) =>
      `WHEN ${r} BETWEEN ${rule.rMin} AND ${rule.rMax} AND ${f} + ${m} BETWEEN ${rule.fmSumMin} AND ${rule.fmSumMax} THEN ${str(rule.segment)}`,
  );
  return `CASE ${whens.join(' ')} END`;
}

/**
 * Quintile score 1–5 from a RANK over the customers ordered worst to best:
 * 1 + ⌊5·(rank − 1) / n⌋. Unlike NTILE, equal values share a score (NTILE would split the many
 * one-order customers between F = 1 and F = 2 by customer id), and the result does not depend
 * on how an engine breaks ties.
 */
export function quintile(sql: Sql, rank: string): string {
  return `(1 + ${sql.floorDiv(`5 * (${rank} - 1)`, 'n')})`;
}

/**
 * mart_customer_rfm for every customer with a revenue order up to the as-of day: recency in days
 * since the last order, frequency = orders, monetary = revenue.
 */
export async function buildRfm(ctx: MartContext): Promise<void> {
  const { sql, asOf } = ctx;
  const recency = sql.daysBetween('last_date', `'${asOf}'`);
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_customer_rfm')}
      (customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment, as_of)
    SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score,
      ${rfmSegmentSql('r_score', 'f_score', 'm_score')}, '${asOf}'
    FROM (
      SELECT customer_id, recency_days, frequency, monetary,
        ${quintile(sql, 'r_rank')} AS r_score, ${quintile(sql, 'f_rank')} AS f_score, ${quintile(sql, 'm_rank')} AS m_score
      FROM (
        SELECT customer_id, ${recency} AS recency_days, orders AS frequency, revenue AS monetary,
          RANK() OVER (ORDER BY ${recency} DESC) AS r_rank,
          RANK() OVER (ORDER BY orders) AS f_rank,
          RANK() OVER (ORDER BY revenue) AS m_rank,
          COUNT(*) OVER () AS n
        FROM ${BUYER}
      ) ranked
    ) scored`,
  );
}

/**
 * Each customer's RFM segment for the steps after RFM, as a LEFT JOIN on `customer` and the
 * segment's expression (NULL: no revenue). A refresh writes the changed rows only into the build
 * table (incremental/rfm-changes.ts): a customer without a row there keeps the live mart's.
 */
export function rfmSegmentJoin(ctx: MartContext, customer: string): { join: string; segment: string } {
  const built = `LEFT JOIN ${build('mart_customer_rfm')} r ON r.customer_id = ${customer}`;
  if (!ctx.readFrom.has('mart_customer_rfm')) return { join: built, segment: 'r.segment' };
  return {
    join: `${built} LEFT JOIN ${ctx.readFrom.get('mart_customer_rfm')} rl ON rl.customer_id = ${customer}`,
    segment: 'COALESCE(r.segment, rl.segment)',
  };
}
