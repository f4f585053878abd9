import { customerRefSql } from '../../identity/customer-ref.js';
import { present } from '../sql.js';
import { countRows } from '../build-tables.js';
import { buildOrderFacts } from '../facts.js';
import { bulk, fill, probe, scratchTable, type MartContext } from '../context.js';
import { derivedRefSql, KEPT_FIRST_ORDER, linkChanged, markSql, type BuildBase } from './state.js';

/** Customers whose facts and per-customer rows the refresh rewrites. */
export const AFFECTED = 'etl_incr_affected';
/** Staged orders changed since the mark, with their customer reference. */
const CHANGED_ORDERS = 'etl_incr_changed_order';
/** Staged orders that may belong to the customers whose facts are being rewritten. */
const CANDIDATES = 'etl_incr_candidate';
/** Customers who lost an order to an affected customer (found once the new facts are known). */
const MOVED = 'etl_incr_moved';
/** The fct_order rows of orders changed or re-linked since the last build (their new values). */
export const NEW_FACTS = 'etl_incr_order';
/** Every fct_order row of the affected customers as the commit leaves them. */
export const AFFECTED_FACTS = 'etl_incr_affected_order';
/**
 * A row per NEW_FACTS order (source, source_key): the customer of its live fact (NULL: none) and
 * whether that fact is identical to the new one (same = 1), so the commit writes only the facts
 * that differ without reading fct_order again (factsToWrite).
 */
export const FACT_STATE = 'etl_incr_order_state';

/** fct_order's text columns, compared by code point (MySQL's collations fold case and trailing spaces). */
const FACT_TEXT_COLUMNS = new Set([
  'order_id',
  'source',
  'source_key',
  'currency',
  'channel',
  'status',
  'owner',
]);

/** What changed since the last build, as the summary reports it. */
export interface Changes {
  /** Staged orders loaded since the last build, and earlier ones updated since. */
  newOrders: number;
  changedOrders: number;
  /** Crosswalk rows linked or re-linked since (resolve, or customer links of orders). */
  crosswalk: number;
  merges: number;
  splits: number;
  /** Golden records rewritten by resolve (their region or owner feeds profitability). */
  changedCustomers: number;
  /** Staged interactions new or updated since (their facts are written again: interactions.ts). */
  interactions: number;
  /** Of those, loaded since (the rest were staged before and updated). */
  newInteractions: number;
  stagedInteractions: number;
  /** Records loaded since, and staged now (a record deleted since can have been a customer's lead). */
  newContacts: number;
  stagedContacts: number;
  /** Customers whose facts and per-customer mart rows are rewritten. */
  affectedCustomers: number;
  /** Customers in dim_customer now. */
  customers: number;
  stagedOrders: number;
  /** The as-of day differs from the last build's. */
  asOfMoved: boolean;
}

const one = async (ctx: MartContext, sql: string): Promise<number> => {
  const [row] = ctx.wh.adapter.rows(await ctx.wh.knex.raw(sql));
  return Number(Object.values(row ?? {})[0] ?? 0);
};

/**
 * Finds what changed since the last build by the inputs' high-water marks (state.ts) and fills
 * AFFECTED with every customer whose facts may differ:
 * - staged orders updated since the mark: the customer they link to now, and the one their fact
 *   row names (an order whose reference changed moves between customers);
 * - crosswalk rows linked or updated since: their customer (resolve re-links a moved record,
 *   customer links of orders add rows);
 * - the merge log since its last id: both sides of every merge and split;
 * - customers kept from the last build that are no longer in dim_customer (deleted by a merge):
 *   every customer with a revenue order up to the as-of day has a first order, so the kept first
 *   orders name them all;
 * - when the as-of day moved: customers with orders between the old and the new one.
 * A row counts as changed when stamped after the mark (strictly: a bulk statement stamps all
 * its rows with one instant, so >= would read the whole last load again). Stamps have at least
 * milliseconds on every engine. The live fact of a changed order is read by its key, one index
 * probe per order (a join let PostgreSQL hash all of fct_order for a few thousand orders). A load
 * still running while the marks are taken, and committing rows stamped before them (PostgreSQL
 * stamps a transaction's start), is not seen: run the marts after the loads, as pipelines do.
 */
export async function detectChanges(
  ctx: MartContext,
  base: BuildBase,
  only: 'counts' | 'affected' = 'affected',
): Promise<Changes> {
  const orderMark = markSql('stg_order');
  const linkMark = linkChanged();
  const mergeMark = `merge_id > ${markSql('customer_merge')}`;
  const asOfMoved = base.asOf !== ctx.asOf;
  const [lo, hi] = [base.asOf, ctx.asOf].sort();
  // The staged orders changed since the mark, with their customer reference: one scan of
  // stg_order (no index on updated_at: loads would pay for it, 0004), the reference computed for
  // those rows only; the joins below then read this small table.
  await scratchTable(ctx, {
    name: CHANGED_ORDERS,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'source_key', type: 'key' },
      { name: 'ref', type: 'key' },
      { name: 'added', type: 'int' },
    ],
    key: ['source', 'source_key'],
  });
  await fill(
    ctx,
    CHANGED_ORDERS,
    `INSERT INTO ${CHANGED_ORDERS} (source, source_key, ref, added)
     SELECT o.source, o.source_key, ${customerRefSql('o', 'order')}, CASE WHEN o.loaded_at > ${orderMark} THEN 1 ELSE 0 END
     FROM stg_order o WHERE o.updated_at > ${orderMark}`,
  );
  const [staged] = ctx.wh.adapter.rows(
    await ctx.wh.knex.raw(
      `SELECT COALESCE(SUM(added), 0) AS added, COUNT(*) - COALESCE(SUM(added), 0) AS changed FROM ${CHANGED_ORDERS}`,
    ),
  );
  const interactionMark = markSql('stg_interaction');
  const [talks] = ctx.wh.adapter.rows(
    await ctx.wh.knex.raw(
      `SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN loaded_at > ${interactionMark} THEN 1 ELSE 0 END), 0) AS added
       FROM stg_interaction WHERE updated_at > ${interactionMark}`,
    ),
  );
  const counts = {
    newOrders: Number(staged?.added ?? 0),
    changedOrders: Number(staged?.changed ?? 0),
    stagedOrders: await countRows(ctx.wh, 'stg_order'),
    interactions: Number(talks?.n ?? 0),
    newInteractions: Number(talks?.added ?? 0),
    stagedInteractions: await countRows(ctx.wh, 'stg_interaction'),
    newContacts: await one(
      ctx,
      `SELECT COUNT(*) FROM stg_contact WHERE loaded_at > ${markSql('stg_contact')}`,
    ),
    stagedContacts: await countRows(ctx.wh, 'stg_contact'),
  };
  if (only === 'counts') {
    return {
      ...counts,
      crosswalk: 0,
      merges: 0,
      splits: 0,
      changedCustomers: 0,
      affectedCustomers: 0,
      customers: await countRows(ctx.wh, 'dim_customer'),
      asOfMoved,
    };
  }
  await scratchTable(ctx, {
    name: AFFECTED,
    columns: [{ name: 'customer_id', type: 'int' }],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    AFFECTED,
    `
    INSERT INTO ${AFFECTED} (customer_id)
    SELECT customer_id FROM (
      SELECT x.customer_id FROM ${CHANGED_ORDERS} o
        JOIN customer_crosswalk x ON x.source = o.source AND x.source_key = o.ref
      UNION SELECT (SELECT f.customer_id FROM fct_order f WHERE f.order_id = CONCAT(o.source, ':', o.source_key))
        FROM ${CHANGED_ORDERS} o
      UNION SELECT x.customer_id FROM customer_crosswalk x WHERE ${linkMark}
      UNION SELECT surviving_id FROM customer_merge WHERE ${mergeMark}
      UNION SELECT absorbed_id FROM customer_merge WHERE ${mergeMark}
      UNION SELECT k.customer_id FROM ${KEPT_FIRST_ORDER} k
        WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_id = k.customer_id)
      ${asOfMoved ? `UNION SELECT customer_id FROM fct_order WHERE order_date > '${lo}' AND order_date <= '${hi}'` : ''}
    ) c WHERE customer_id IS NOT NULL`,
  );
  return {
    ...counts,
    crosswalk: await one(ctx, `SELECT COUNT(*) FROM customer_crosswalk x WHERE ${linkMark}`),
    merges: await one(ctx, `SELECT COUNT(*) FROM customer_merge WHERE ${mergeMark} AND kind = 'merge'`),
    splits: await one(ctx, `SELECT COUNT(*) FROM customer_merge WHERE ${mergeMark} AND kind = 'split'`),
    changedCustomers: await one(
      ctx,
      `SELECT COUNT(*) FROM dim_customer WHERE updated_at > ${markSql('dim_customer')}`,
    ),
    affectedCustomers: await countRows(ctx.wh, AFFECTED),
    customers: await countRows(ctx.wh, 'dim_customer'),
    asOfMoved,
  };
}

/**
 * The fct_order rows that may differ from the live ones, as a full build would write them, into
 * NEW_FACTS: an order's fact depends on the staged order and the crosswalk link of its reference
 * only, so these are the orders stamped since the mark and those whose reference was linked or
 * re-linked since (findCandidates) — not every order of the affected customers. A customer who
 * loses an order to another (its reference re-linked), or gains one, and is not affected yet
 * becomes affected: its per-customer rows change. Then AFFECTED_FACTS holds every fact of the affected customers
 * as the commit will leave them, which their per-customer rows are recomputed from.
 */
export async function buildAffectedFacts(ctx: MartContext, columns: readonly string[]): Promise<number> {
  const { wh } = ctx;
  const factTable = (name: string) =>
    wh.adapter.scratchWork(wh.knex, async (db) => {
      await db.schema.dropTableIfExists(name);
      ctx.scratch.add(name);
      await wh.adapter.createBuildTable(db, name, 'fct_order');
    });
  await factTable(NEW_FACTS);
  await findCandidates(ctx);
  await buildOrderFacts(ctx, { table: NEW_FACTS, orders: CANDIDATES });
  // The commit and the views match the new rows to the live ones by order id (build tables get
  // keys later, if at all).
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    await db.raw(`CREATE INDEX ${NEW_FACTS}_order ON ${NEW_FACTS} (order_id)`);
    await wh.adapter.analyze(db, NEW_FACTS);
  });
  await findFactState(ctx, columns);
  await scratchTable(ctx, {
    name: MOVED,
    columns: [{ name: 'customer_id', type: 'int' }],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    MOVED,
    `INSERT INTO ${MOVED} (customer_id)
     SELECT customer_id FROM (
       SELECT old_customer AS customer_id FROM ${FACT_STATE}
       UNION SELECT n.customer_id FROM ${NEW_FACTS} n
     ) c WHERE customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${AFFECTED} a WHERE a.customer_id = c.customer_id)`,
  );
  const moved = await countRows(wh, MOVED);
  if (moved > 0) await bulk(ctx, `INSERT INTO ${AFFECTED} (customer_id) SELECT customer_id FROM ${MOVED}`);
  await wh.adapter.scratchWork(wh.knex, (db) => wh.adapter.analyze(db, AFFECTED));
  await factTable(AFFECTED_FACTS);
  // From the affected customers through fct_order's customer index (probe).
  await probe(
    ctx,
    `INSERT INTO ${AFFECTED_FACTS} SELECT * FROM fct_order f
      WHERE f.customer_id IN (SELECT customer_id FROM ${AFFECTED})
        AND NOT EXISTS (SELECT 1 FROM ${NEW_FACTS} n WHERE n.order_id = f.order_id)
     UNION ALL SELECT * FROM ${NEW_FACTS}`,
  );
  await wh.adapter.scratchWork(wh.knex, (db) => wh.adapter.analyze(db, AFFECTED_FACTS));
  return moved;
}

/**
 * Fills FACT_STATE: each new fact's live row looked up by its key, one index probe per order —
 * correlated subqueries, which every engine runs as probes: as a join (or the commit's DELETE
 * and INSERT … WHERE NOT EXISTS, as before) PostgreSQL hashed every order of fct_order for the
 * 105,000 of a night (1M customers: 3.7–4.6 s and 6.3–7.1 s of the commit).
 */
async function findFactState(ctx: MartContext, columns: readonly string[]): Promise<void> {
  const { sql } = ctx;
  const live = (what: string, where = '') =>
    `(SELECT ${what} FROM fct_order f WHERE f.order_id = n.order_id${where})`;
  const identical = columns.map((c) => sql.same(`n.${c}`, `f.${c}`, FACT_TEXT_COLUMNS.has(c))).join(' AND ');
  await scratchTable(ctx, {
    name: FACT_STATE,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'source_key', type: 'key' },
      { name: 'old_customer', type: 'int' },
      { name: 'same', type: 'int' },
    ],
    key: ['source', 'source_key'],
  });
  await fill(
    ctx,
    FACT_STATE,
    `INSERT INTO ${FACT_STATE} (source, source_key, old_customer, same)
     SELECT n.source, n.source_key, ${live('f.customer_id')},
       CASE WHEN EXISTS ${live('1', ` AND ${identical}`)} THEN 1 ELSE 0 END
     FROM ${NEW_FACTS} n`,
  );
}

/**
 * The commit's writes to fct_order, from FACT_STATE: the keys of the live facts that differ from
 * their new ones (to delete), and the new facts to insert (those and the orders without one).
 */
export function factsToWrite(): { deleted: string; inserted: string } {
  return {
    deleted: `SELECT CONCAT(s.source, ':', s.source_key) AS k FROM ${FACT_STATE} s
      WHERE s.old_customer IS NOT NULL AND s.same = 0`,
    inserted: `SELECT n.* FROM ${NEW_FACTS} n
      JOIN ${FACT_STATE} s ON s.source = n.source AND s.source_key = n.source_key WHERE s.same = 0`,
  };
}

/**
 * Fills CANDIDATES with the staged orders whose fact may have changed, read by key and index,
 * never by a pass over all orders: the orders stamped since the mark (detectChanges found them),
 * and the orders whose reference is a crosswalk key linked or re-linked since — by
 * customer_source_key (stg_order_customer), `order:<key>` by the order's own key. A customer
 * deleted since took its crosswalk rows with it (cascade), so its orders' references are linked
 * again by this build and found here too. A re-linked reference derived from the customer
 * written on orders (`email:…`, `phone:…`: no index holds it) is looked for in one pass over the
 * orders without a customer_source_key, on the nights it happens only; so are `order:` keys cut
 * to 240 characters.
 */
async function findCandidates(ctx: MartContext): Promise<void> {
  await scratchTable(ctx, {
    name: CANDIDATES,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'source_key', type: 'key' },
    ],
    key: ['source', 'source_key'],
  });
  const orderKey = "x.source_key LIKE 'order:%'";
  // CROSS JOIN: the crosswalk drives (SQLite keeps that order; it scanned every staged order
  // with a crosswalk lookup each otherwise); on the other engines it is an inner join.
  const parts = [
    `SELECT source, source_key FROM ${CHANGED_ORDERS}`,
    `SELECT o.source, o.source_key FROM customer_crosswalk x CROSS JOIN stg_order o
      WHERE o.source = x.source AND o.customer_source_key = x.source_key AND ${linkChanged()}`,
    `SELECT o.source, o.source_key FROM customer_crosswalk x CROSS JOIN stg_order o
      WHERE o.source = x.source AND o.source_key = SUBSTR(x.source_key, 7) AND ${linkChanged()} AND ${orderKey}`,
  ];
  const unindexed = await one(
    ctx,
    `SELECT COUNT(*) FROM customer_crosswalk x WHERE ${linkChanged()}
       AND (${derivedRefSql()} OR (${orderKey} AND LENGTH(x.source_key) >= 246))`,
  );
  if (unindexed > 0) {
    parts.push(
      `SELECT o.source, o.source_key FROM stg_order o
         JOIN customer_crosswalk x ON x.source = o.source AND x.source_key = ${customerRefSql('o', 'order')}
        WHERE NOT ${present('o.customer_source_key')} AND ${linkChanged()}`,
    );
  }
  await fill(ctx, CANDIDATES, `INSERT INTO ${CANDIDATES} (source, source_key) ${parts.join(' UNION ')}`);
}
