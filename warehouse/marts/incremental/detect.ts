import { customerRefSql } from '../../identity/customer-ref.js';
import { countRows } from '../build-tables.js';
import { buildOrderFacts } from '../facts.js';
import { bulk, fill, scratchTable, type MartContext } from '../context.js';
import { KEPT_BUYER, markSql, type BuildBase } from './state.js';

/** Customers whose facts and per-customer rows the refresh rewrites. */
export const AFFECTED = 'etl_incr_affected';
/** Staged orders changed since the mark, with their customer reference. */
const CHANGED_ORDERS = 'etl_incr_changed_order';
/** Customers who lost an order to an affected customer (found once the new facts are known). */
const MOVED = 'etl_incr_moved';
/** The new fct_order rows of the affected customers. */
export const NEW_FACTS = 'etl_incr_order';

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
  /** Staged interactions new or updated (fct_interaction is recomputed whole: see README). */
  interactions: number;
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
 * - customers kept from the last build that are no longer in dim_customer (deleted by a merge);
 * - when the as-of day moved: customers with orders between the old and the new one.
 * A row counts as changed when stamped after the mark (strictly: a bulk statement stamps all
 * its rows with one instant, so >= would read the whole last load again). Stamps have at least
 * milliseconds on every engine. A load still running while the marks are taken, and committing
 * rows stamped before them (PostgreSQL stamps a transaction's start), is not seen: run the
 * marts after the loads, as pipelines do.
 */
export async function detectChanges(
  ctx: MartContext,
  base: BuildBase,
  only: 'counts' | 'affected' = 'affected',
): Promise<Changes> {
  const orderMark = markSql('stg_order');
  const linkMark = `x.linked_at > ${markSql('crosswalk_linked')} OR x.updated_at > ${markSql('crosswalk_updated')}`;
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
  const counts = {
    newOrders: Number(staged?.added ?? 0),
    changedOrders: Number(staged?.changed ?? 0),
    stagedOrders: await countRows(ctx.wh, 'stg_order'),
  };
  if (only === 'counts') {
    return {
      ...counts,
      crosswalk: 0,
      merges: 0,
      splits: 0,
      changedCustomers: 0,
      interactions: 0,
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
      UNION SELECT f.customer_id FROM ${CHANGED_ORDERS} o JOIN fct_order f ON f.order_id = CONCAT(o.source, ':', o.source_key)
      UNION SELECT x.customer_id FROM customer_crosswalk x WHERE ${linkMark}
      UNION SELECT surviving_id FROM customer_merge WHERE ${mergeMark}
      UNION SELECT absorbed_id FROM customer_merge WHERE ${mergeMark}
      UNION SELECT k.customer_id FROM ${KEPT_BUYER} k
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
    interactions: await one(
      ctx,
      `SELECT COUNT(*) FROM stg_interaction WHERE updated_at > ${markSql('stg_interaction')}`,
    ),
    affectedCustomers: await countRows(ctx.wh, AFFECTED),
    customers: await countRows(ctx.wh, 'dim_customer'),
    asOfMoved,
  };
}

/**
 * The affected customers' fct_order rows, as a full build would write them, into NEW_FACTS.
 * An order that moved to an affected customer from one that is not (its old customer was
 * re-linked away from it) makes that customer affected too: their remaining facts are
 * recomputed in a second pass. One pass suffices: an order can only move to a customer whose
 * link changed, and those are affected from the start.
 */
export async function buildAffectedFacts(ctx: MartContext): Promise<number> {
  const { wh } = ctx;
  await wh.knex.schema.dropTableIfExists(NEW_FACTS);
  ctx.scratch.add(NEW_FACTS);
  await wh.adapter.createBuildTable(wh.knex, NEW_FACTS, 'fct_order');
  await buildOrderFacts(ctx, { table: NEW_FACTS, customers: AFFECTED });
  await scratchTable(ctx, {
    name: MOVED,
    columns: [{ name: 'customer_id', type: 'int' }],
    key: ['customer_id'],
  });
  await fill(
    ctx,
    MOVED,
    `INSERT INTO ${MOVED} (customer_id)
     SELECT DISTINCT f.customer_id FROM ${NEW_FACTS} n JOIN fct_order f ON f.order_id = n.order_id
     WHERE NOT EXISTS (SELECT 1 FROM ${AFFECTED} a WHERE a.customer_id = f.customer_id)`,
  );
  const moved = await countRows(wh, MOVED);
  if (moved > 0) {
    await buildOrderFacts(ctx, { table: NEW_FACTS, customers: MOVED });
    await bulk(ctx, `INSERT INTO ${AFFECTED} (customer_id) SELECT customer_id FROM ${MOVED}`);
  }
  await wh.adapter.analyze(wh.knex, NEW_FACTS);
  await wh.adapter.analyze(wh.knex, AFFECTED);
  return moved;
}
