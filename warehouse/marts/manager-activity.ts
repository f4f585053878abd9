import { build } from './build-tables.js';
import { bulk, factsOf, fill, scratchTable, type MartContext } from './context.js';
import { percentilesSql } from './percentile.js';

/** Each inbound interaction with the reply that answered it (if any): read by the mart and the scoreboard. */
export const REPLY = 'etl_build_reply';

/** SQL: an instant on or before the as-of day (by calendar day, the same on every engine). */
export function upToAsOf(ctx: MartContext, instant: string): string {
  return `${ctx.sql.daysBetween(instant, `'${ctx.asOf}'`)} >= 0`;
}

/** The owner as a key column: '' when unknown. */
const ownerKey = (expr: string) => `SUBSTR(COALESCE(${expr}, ''), 1, 255)`;

/**
 * The reply to an inbound interaction (a letter, a form, a call in) is the first outbound one with
 * the same customer after it, in the same conversation when both have a thread key (a logged call
 * has none and answers whatever came before). Several letters before one answer are all answered
 * by it. Nothing after the as-of day counts. Ties on the instant go to the lowest interaction id
 * in code point order.
 */
async function buildReplies(ctx: MartContext): Promise<void> {
  const { sql, wh } = ctx;
  await scratchTable(ctx, {
    name: REPLY,
    columns: [
      { name: 'in_id', type: 'key' },
      { name: 'in_owner', type: 'key' },
      { name: 'in_month', type: 'date' },
      { name: 'reply_id', type: 'key' },
      { name: 'reply_owner', type: 'key' },
      { name: 'reply_month', type: 'date' },
      { name: 'secs', type: 'int' },
    ],
    key: ['in_id'],
    indexes: [['reply_month', 'reply_owner']],
  });
  const fct = factsOf(ctx, 'fct_interaction');
  await fill(
    ctx,
    REPLY,
    `
    INSERT INTO ${REPLY} (in_id, in_owner, in_month, reply_id, reply_owner, reply_month, secs)
    SELECT in_id, in_owner, in_month, reply_id, reply_owner, reply_month, secs FROM (
      SELECT i.interaction_id AS in_id, ${ownerKey('i.owner')} AS in_owner, ${wh.adapter.dateTrunc('month', 'i.occurred_at')} AS in_month,
        o.interaction_id AS reply_id, ${ownerKey('o.owner')} AS reply_owner, ${wh.adapter.dateTrunc('month', 'o.occurred_at')} AS reply_month,
        ${sql.round(wh.adapter.secondsBetween('i.occurred_at', 'o.occurred_at'), 0)} AS secs,
        ROW_NUMBER() OVER (PARTITION BY i.interaction_id ORDER BY o.occurred_at, ${sql.sortKey('o.interaction_id')}) AS rn
      FROM ${fct} i
      JOIN ${fct} o ON o.customer_id = i.customer_id AND o.direction = 'outbound' AND o.occurred_at > i.occurred_at
        AND (i.thread_key IS NULL OR o.thread_key IS NULL OR o.thread_key = i.thread_key) AND ${upToAsOf(ctx, 'o.occurred_at')}
      WHERE i.direction = 'inbound' AND i.occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'i.occurred_at')}
    ) r WHERE rn = 1`,
  );
}

/**
 * mart_manager_activity: per month × owner (the manager whose mailbox or log an interaction came
 * from, '' unknown), up to the as-of day:
 * - inbound / outbound: interactions in that owner's mailbox;
 * - threads: conversations the owner took part in (thread key, else the interaction alone);
 * - replies: the owner's outbound interactions that answered at least one inbound (month of the
 *   reply); answered: the inbound interactions they answered; reply_hours_median / _p90: hours
 *   from each such inbound to its reply (percentile_cont, identical on every engine);
 * - unanswered: inbound interactions of the month in the owner's mailbox with no reply yet.
 */
export async function buildManagerActivity(ctx: MartContext): Promise<void> {
  const { sql, wh } = ctx;
  await buildReplies(ctx);
  const fct = factsOf(ctx, 'fct_interaction');
  const hours = (col: string) => sql.round(sql.ratio(col, '3600'), 2);
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_manager_activity')}
      (month, owner, inbound, outbound, threads, replies, answered, unanswered, reply_hours_median, reply_hours_p90)
    SELECT a.month, a.owner, a.inbound, a.outbound, a.threads, COALESCE(r.replies, 0), COALESCE(p.n, 0),
      a.inbound - COALESCE(u.answered, 0),
      ${hours('p.p50')}, ${hours('p.p90')}
    FROM (
      SELECT month, owner, SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
        SUM(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END) AS outbound, COUNT(DISTINCT conversation) AS threads
      FROM (SELECT ${wh.adapter.dateTrunc('month', 'occurred_at')} AS month, ${ownerKey('owner')} AS owner, direction,
              COALESCE(thread_key, interaction_id) AS conversation
            FROM ${fct} WHERE occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'occurred_at')}) f
      GROUP BY month, owner
    ) a
    LEFT JOIN (SELECT reply_month, reply_owner, COUNT(DISTINCT reply_id) AS replies FROM ${REPLY}
               GROUP BY reply_month, reply_owner) r ON r.reply_month = a.month AND r.reply_owner = a.owner
    LEFT JOIN (${percentilesSql(sql, REPLY, ['reply_month', 'reply_owner'], 'secs', { p50: 50, p90: 90 })}) p
      ON p.reply_month = a.month AND p.reply_owner = a.owner
    LEFT JOIN (SELECT in_month, in_owner, COUNT(*) AS answered FROM ${REPLY} GROUP BY in_month, in_owner) u
      ON u.in_month = a.month AND u.in_owner = a.owner`,
  );
}
