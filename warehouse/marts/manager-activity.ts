import { build } from './build-tables.js';
import { bulk, factsOf, fill, scratchTable, type MartContext } from './context.js';
import { keepInPlace } from './keep-in-place.js';
import { percentilesSql } from './percentile.js';

/** Each answered inbound interaction with the reply that answered it: read by the mart and the scoreboard. */
export const REPLY = 'etl_build_reply';
/** A refresh's rows of REPLY for the customers it recomputes; REPLY is then a view of the kept table. */
export const REPLY_NEW = 'etl_incr_reply';
/** The (month, owner) cells of the replies a refresh wrote (the old and the new rows'). */
const REPLY_CHANGED = 'etl_incr_reply_changed';
/** The cells of mart_manager_activity a refresh computes again: the others are the live rows. */
const ACTIVITY_CELLS = 'etl_incr_activity_cell';
const REPLY_COLUMNS = 'customer_id, in_id, in_owner, in_month, reply_id, reply_owner, reply_month, secs';
const ACTIVITY_COLUMNS =
  'month, owner, inbound, outbound, threads, replies, answered, unanswered, reply_hours_median, reply_hours_p90';

/** Where the activity comes from: a full build reads every interaction; the nightly refresh some. */
export interface ActivitySource {
  /** Customers whose replies are found again (a table of customer_id); the others' stay in `kept`. */
  customers: string;
  kept: string;
  /**
   * (month, owner) cells whose interactions changed: with those of the replies written, the cells
   * computed again; the mart's other rows are the live ones. Absent: every cell is computed.
   */
  cells?: string;
}

/** SQL: an instant on or before the as-of day (by calendar day, the same on every engine). */
export function upToAsOf(ctx: MartContext, instant: string): string {
  return `${ctx.sql.daysBetween(instant, `'${ctx.asOf}'`)} >= 0`;
}

/** The owner as a key column: '' when unknown. */
export const ownerKey = (expr: string): string => `SUBSTR(COALESCE(${expr}, ''), 1, 255)`;

/**
 * The reply to an inbound interaction (a letter, a form, a call in) is the first outbound one with
 * the same customer after it, in the same conversation when both have a thread key (a logged call
 * has none and answers whatever came before). Several letters before one answer are all answered
 * by it. Nothing after the as-of day counts. Ties on the instant go to the lowest interaction id
 * in code point order.
 */
async function buildReplies(ctx: MartContext, from?: ActivitySource): Promise<void> {
  const { sql, wh } = ctx;
  const name = from ? REPLY_NEW : REPLY;
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'in_id', type: 'key' },
      { name: 'in_owner', type: 'key' },
      { name: 'in_month', type: 'date' },
      { name: 'reply_id', type: 'key' },
      { name: 'reply_owner', type: 'key' },
      { name: 'reply_month', type: 'date' },
      { name: 'secs', type: 'int' },
    ],
    key: ['in_id'],
    indexes: from ? [] : [['reply_month', 'reply_owner']],
  });
  const fct = factsOf(ctx, 'fct_interaction');
  const only = from ? `AND i.customer_id IN (SELECT customer_id FROM ${from.customers})` : '';
  await fill(
    ctx,
    name,
    `
    INSERT INTO ${name} (${REPLY_COLUMNS})
    SELECT ${REPLY_COLUMNS} FROM (
      SELECT i.customer_id, i.interaction_id AS in_id, ${ownerKey('i.owner')} AS in_owner, ${wh.adapter.dateTrunc('month', 'i.occurred_at')} AS in_month,
        o.interaction_id AS reply_id, ${ownerKey('o.owner')} AS reply_owner, ${wh.adapter.dateTrunc('month', 'o.occurred_at')} AS reply_month,
        ${sql.round(wh.adapter.secondsBetween('i.occurred_at', 'o.occurred_at'), 0)} AS secs,
        ROW_NUMBER() OVER (PARTITION BY i.interaction_id ORDER BY o.occurred_at, ${sql.sortKey('o.interaction_id')}) AS rn
      FROM ${fct} i
      JOIN ${fct} o ON o.customer_id = i.customer_id AND o.direction = 'outbound' AND o.occurred_at > i.occurred_at
        AND (i.thread_key IS NULL OR o.thread_key IS NULL OR o.thread_key = i.thread_key) AND ${upToAsOf(ctx, 'o.occurred_at')}
      WHERE i.direction = 'inbound' AND i.occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'i.occurred_at')} ${only}
    ) r WHERE rn = 1`,
  );
  if (!from) return;
  // The recomputed customers' replies go into the kept table in place of their old ones; REPLY is
  // then a view of it (keep-in-place.ts). The cells of the rows written are recomputed below.
  await keepInPlace(ctx, REPLY, {
    kept: from.kept,
    except: from.customers,
    fresh: REPLY_NEW,
    columns: REPLY_COLUMNS,
    key: ['in_id'],
    text: ['in_id', 'in_owner', 'reply_id', 'reply_owner'],
    changed: {
      name: REPLY_CHANGED,
      columns: [
        { name: 'in_month', type: 'date' },
        { name: 'in_owner', type: 'key' },
        { name: 'reply_month', type: 'date' },
        { name: 'reply_owner', type: 'key' },
      ],
    },
  });
  if (!from.cells) return;
  await fillCells(
    ctx,
    ACTIVITY_CELLS,
    `SELECT month, owner FROM ${from.cells}
     UNION SELECT in_month, in_owner FROM ${REPLY_CHANGED}
     UNION SELECT reply_month, reply_owner FROM ${REPLY_CHANGED}`,
  );
}

/** A scratch table of (month, manager) cells of the mart, keyed, filled by `select` (month, owner). */
export async function fillCells(ctx: MartContext, name: string, select: string): Promise<void> {
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'month', type: 'date' },
      { name: 'owner', type: 'key' },
    ],
    key: ['month', 'owner'],
  });
  await fill(ctx, name, `INSERT INTO ${name} (month, owner) ${select}`);
}

/**
 * SQL: an interaction on or after the first day of the earliest changed cell's month, as a
 * literal (a subquery there is not planned as an index range by MySQL/MariaDB); no cells, none.
 */
async function sinceEarliestCell(ctx: MartContext): Promise<string> {
  const [row] = ctx.wh.adapter.rows(
    await ctx.wh.knex.raw(`SELECT MIN(${ctx.sql.monthIndex('month')}) AS m FROM ${ACTIVITY_CELLS}`),
  );
  if (row?.m === null || row?.m === undefined) return 'AND 1 = 0';
  const m = Number(row.m);
  const day = `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}-01`;
  return `AND occurred_at >= '${day}'`;
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
export async function buildManagerActivity(ctx: MartContext, from?: ActivitySource): Promise<void> {
  const { sql, wh } = ctx;
  await buildReplies(ctx, from);
  const fct = factsOf(ctx, 'fct_interaction');
  const hours = (col: string) => sql.round(sql.ratio(col, '3600'), 2);
  // A refresh computes the rows of the changed cells only (a cell is the same GROUP BY key, so the
  // engine's own equality, as its grouping, decides what is one cell); the others are the live rows.
  // The interactions are read from the earliest changed month on (fct_interaction's occurred_at
  // index): a night's changes are mostly this month's.
  const cells = from?.cells !== undefined;
  const cell = (month: string, owner: string) =>
    cells
      ? `WHERE EXISTS (SELECT 1 FROM ${ACTIVITY_CELLS} c WHERE c.month = ${month} AND c.owner = ${owner})`
      : '';
  const since = cells ? await sinceEarliestCell(ctx) : '';
  const replies = cells ? `(SELECT * FROM ${REPLY} ${cell('reply_month', 'reply_owner')}) rr` : REPLY;
  const answered = cells ? `(SELECT * FROM ${REPLY} ${cell('in_month', 'in_owner')}) ra` : REPLY;
  if (cells) {
    await bulk(
      ctx,
      `INSERT INTO ${build('mart_manager_activity')} (${ACTIVITY_COLUMNS})
       SELECT ${ACTIVITY_COLUMNS} FROM mart_manager_activity m
        WHERE NOT EXISTS (SELECT 1 FROM ${ACTIVITY_CELLS} c WHERE c.month = m.month AND c.owner = m.owner)`,
    );
  }
  await bulk(
    ctx,
    `
    INSERT INTO ${build('mart_manager_activity')} (${ACTIVITY_COLUMNS})
    SELECT a.month, a.owner, a.inbound, a.outbound, a.threads, COALESCE(r.replies, 0), COALESCE(p.n, 0),
      a.inbound - COALESCE(u.answered, 0),
      ${hours('p.p50')}, ${hours('p.p90')}
    FROM (
      SELECT month, owner, SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS inbound,
        SUM(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END) AS outbound, COUNT(DISTINCT conversation) AS threads
      FROM (SELECT ${wh.adapter.dateTrunc('month', 'occurred_at')} AS month, ${ownerKey('owner')} AS owner, direction,
              COALESCE(thread_key, interaction_id) AS conversation
            FROM ${fct} WHERE occurred_at IS NOT NULL AND ${upToAsOf(ctx, 'occurred_at')} ${since}) f
      ${cell('f.month', 'f.owner')}
      GROUP BY month, owner
    ) a
    LEFT JOIN (SELECT reply_month, reply_owner, COUNT(DISTINCT reply_id) AS replies FROM ${replies}
               GROUP BY reply_month, reply_owner) r ON r.reply_month = a.month AND r.reply_owner = a.owner
    LEFT JOIN (${percentilesSql(sql, replies, ['reply_month', 'reply_owner'], 'secs', { p50: 50, p90: 90 })}) p
      ON p.reply_month = a.month AND p.reply_owner = a.owner
    LEFT JOIN (SELECT in_month, in_owner, COUNT(*) AS answered FROM ${answered} GROUP BY in_month, in_owner) u
      ON u.in_month = a.month AND u.in_owner = a.owner`,
  );
}
