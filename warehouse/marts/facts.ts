import { build } from './build-tables.js';
import { bulk, fill, probe, scratchTable, type MartContext } from './context.js';
import { customerRefSql, refSource } from '../identity/customer-ref.js';
import { str } from './sql.js';

/**
 * Status words of orders that bring no revenue: cancellations and returns, in English and
 * Russian. Matched as substrings of the lower-cased status ('Cancelled', 'canceled',
 * 'Отменён', 'ВОЗВРАТ'…).
 */
export const VOID_STATUS_WORDS: readonly string[] = Object.freeze([
  'cancel',
  'return',
  'refund',
  'отмен',
  'возврат',
  'аннул',
]);

/**
 * SQL true when a status marks a cancellation or return. SQLite's lower() folds ASCII only, so
 * each Cyrillic word is also matched capitalised and in capitals; the other engines fold it.
 */
export function voidStatusSql(status: string): string {
  const forms = VOID_STATUS_WORDS.flatMap((w) =>
    /^[a-z]+$/.test(w) ? [w] : [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()],
  );
  return `(${forms.map((f) => `lower(${status}) LIKE ${str(`%${f}%`)}`).join(' OR ')})`;
}

/** The distinct statuses of the staged orders, each classified once: void (cancelled, returned) or not. */
const ORDER_STATUS = 'etl_build_order_status';

/**
 * Classifies every distinct order status once. Matching a dozen LIKE patterns against the
 * lower-cased status of every order took two thirds of fct_order's time on PostgreSQL (1M
 * orders: 8 s of 15); a company has a handful of statuses, so the orders join this small table.
 */
async function classifyStatuses(ctx: MartContext): Promise<void> {
  await scratchTable(ctx, {
    name: ORDER_STATUS,
    columns: [
      { name: 'status', type: 'key' },
      { name: 'is_void', type: 'int' },
    ],
    key: ['status'],
  });
  await fill(
    ctx,
    ORDER_STATUS,
    `
    INSERT INTO ${ORDER_STATUS} (status, is_void)
    SELECT status, CASE WHEN ${voidStatusSql('status')} THEN 1 ELSE 0 END
    FROM (SELECT DISTINCT status FROM stg_order WHERE status IS NOT NULL) s`,
  );
}

/**
 * fct_order from stg_order: one row per staged order, tied to its customer through its
 * reference (identity/customer-ref.ts) and the crosswalk (linkCustomers has made sure every order's
 * reference is there). Cancelled orders,
 * returns (by status or a negative amount) and orders without an amount stay as facts with
 * is_revenue = 0 (statuses classified once each: classifyStatuses). margin = amount − cost,
 * rounded to cents in SQL, NULL when the cost is unknown.
 * Where the build table has its key while it is filled, rows go in in key order
 * (adapter.buildInsertOrder: ORDER BY 1 = order_id): joined in customer order they would hit the
 * key's B-tree at random, which on MariaDB's default 128 MB buffer pool made 1M orders take 235 s
 * instead of ~20 s. PostgreSQL builds the key after the fill and skips the sort.
 * Returns the facts written (the step reports them without counting the table again).
 */
export async function buildOrderFacts(
  ctx: MartContext,
  into: { table: string; customers?: string; orders?: string } = { table: build('fct_order') },
): Promise<number> {
  const { wh, sql } = ctx;
  // The nightly refresh (incremental/) rewrites the facts of some customers only, reading the
  // staged orders that can be theirs (`orders`: source, source_key) by key, each reference
  // computed in place: a few rows, where the whole table would be one pass over every order.
  // Those few match the status words each (a DISTINCT of the statuses took a join as costly as
  // the facts' own, for a handful of words).
  const orders = into.orders
    ? {
        from: `${into.orders} c JOIN stg_order o ON o.source = c.source AND o.source_key = c.source_key`,
        ref: customerRefSql('o', 'order'),
      }
    : refSource(ctx, 'order', 'o');
  const status = into.orders
    ? { join: '', isVoid: voidStatusSql('o.status') }
    : { join: `LEFT JOIN ${ORDER_STATUS} st ON st.status = o.status`, isVoid: 'st.is_void = 1' };
  if (!into.orders && !ctx.scratch.has(ORDER_STATUS)) await classifyStatuses(ctx);
  // Unary plus keeps SQLite from driving the join from the crosswalk's customer index: the orders
  // join on a computed reference, so each crosswalk row would scan every staged order.
  const only = into.customers ? `WHERE +x.customer_id IN (SELECT customer_id FROM ${into.customers})` : '';
  // The refresh's few orders by stg_order's key and the crosswalk's (probe): hashed, PostgreSQL
  // read all 10M staged orders for the night's 105,000 (1M customers: 3.3 s against 1.2 s).
  return (into.orders ? probe : bulk)(
    ctx,
    `
    INSERT INTO ${into.table}
      (order_id, source, source_key, customer_id, order_date, amount, cost, margin, currency, channel, status, owner, is_revenue)
    SELECT CONCAT(o.source, ':', o.source_key), o.source, o.source_key, x.customer_id, o.order_date, o.amount, o.cost,
      CASE WHEN o.cost IS NULL OR o.amount IS NULL THEN NULL ELSE ${sql.moneyDiff('o.amount', 'o.cost')} END,
      o.currency, o.channel, o.status, o.owner,
      CASE WHEN o.amount IS NULL OR o.amount < 0 OR ${status.isVoid} THEN 0 ELSE 1 END
    FROM ${orders.from}
    JOIN customer_crosswalk x ON x.source = o.source AND x.source_key = ${orders.ref}
    ${status.join}
    ${only}
    ${wh.adapter.buildInsertOrder('1')}`,
  );
}

const INBOUND = ['inbound', 'in', 'incoming'];
const OUTBOUND = ['outbound', 'out', 'outgoing'];

/** SQL normalising a direction to 'inbound' / 'outbound' (else kept as given). */
function directionSql(column: string): string {
  const list = (words: string[]) => words.map(str).join(', ');
  return `CASE WHEN lower(${column}) IN (${list(INBOUND)}) THEN 'inbound' WHEN lower(${column}) IN (${list(OUTBOUND)}) THEN 'outbound' ELSE ${column} END`;
}

/**
 * SQL true for a staged letter of the e-mail connector: channel 'email' with the addresses its
 * headers gave. Only these are keyed by Message-ID (else a content hash), the same in every
 * mailbox; another source's keys (a row number in an activity sheet) say nothing across sources.
 */
export function letterSql(alias: string): string {
  const c = (name: string) => `${alias}.${name}`;
  return `(${c('channel')} = 'email' AND (${c('mail_from')} IS NOT NULL OR ${c('mail_to')} IS NOT NULL OR ${c('mail_cc')} IS NOT NULL))`;
}

/** SQL 0 when a letter was read from its sender's mailbox (the From address is the owner), else 1. */
function senderCopySql(alias: string): string {
  const from = `lower(${alias}.mail_from)`;
  const owner = `lower(${alias}.owner)`;
  return `CASE WHEN ${from} = ${owner} OR ${from} LIKE CONCAT('%<', ${owner}, '>') THEN 0 ELSE 1 END`;
}

/**
 * fct_interaction from stg_interaction; interactions with no known customer are left out.
 *
 * A letter is one interaction however many mailboxes hold it (the manager's Sent, a colleague's
 * INBOX in copy, an export of an old mailbox): two e-mail sources stage it twice under the same
 * message key. Among the linked copies the kept one is chosen by the data, the same on every
 * engine and every run: first the copy from the sender's own mailbox (an answer counts for the
 * manager who wrote it, not for a colleague in copy), then the first source in code point order
 * (sources differ within a key, so the order is total). owner is the manager whose mailbox the
 * kept copy came from; thread_key the conversation (0009), for the per-manager activity;
 * form and UTM source / medium / campaign where a web lead came from (0010), for the lead funnel.
 */
export async function buildInteractionFacts(
  ctx: MartContext,
  into: { table: string; interactions?: string } = { table: build('fct_interaction') },
): Promise<number> {
  const { sql } = ctx;
  // The nightly refresh (incremental/interactions.ts) rewrites the facts of some staged rows only,
  // read by key, each reference computed in place; every copy of a letter they hold is among them.
  const interactions = into.interactions
    ? {
        from: `${into.interactions} c JOIN stg_interaction i ON i.source = c.source AND i.source_key = c.source_key`,
        ref: customerRefSql('i', 'interaction'),
      }
    : refSource(ctx, 'interaction', 'i');
  // Letters share one partition per message key; any other row is alone in its own.
  const group = `CASE WHEN ${letterSql('i')} THEN '' ELSE i.source END, i.source_key`;
  return bulk(
    ctx,
    `
    INSERT INTO ${into.table}
      (interaction_id, source, source_key, customer_id, channel, direction, occurred_at, subject, owner, thread_key,
       form, utm_source, utm_medium, utm_campaign)
    SELECT interaction_id, source, source_key, customer_id, channel, direction, occurred_at, subject, owner, thread_key,
      form, utm_source, utm_medium, utm_campaign FROM (
      SELECT CONCAT(i.source, ':', i.source_key) AS interaction_id, i.source, i.source_key, x.customer_id, i.channel,
        ${directionSql('i.direction')} AS direction, i.occurred_at, i.subject, i.owner, i.thread_key,
        i.form, i.utm_source, i.utm_medium, i.utm_campaign,
        ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY ${senderCopySql('i')}, ${sql.sortKey('i.source')}) AS copy
      FROM ${interactions.from}
      JOIN customer_crosswalk x ON x.source = i.source AND x.source_key = ${interactions.ref}
    ) u WHERE copy = 1
    ${ctx.wh.adapter.buildInsertOrder('1')}`,
  );
}
