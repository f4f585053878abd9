import { build } from './build-tables.js';
import { fill, scratchTable, type MartContext } from './context.js';
import { keepInPlace } from './keep-in-place.js';

/**
 * Each customer's first order up to the as-of day, as the lead funnel names a lead (any order,
 * revenue or not): its day, channel (the order's, else its source's name) and owner. One row per
 * customer, so the funnel's earliest-fact pass reads a row per customer instead of every order,
 * and the nightly refresh (incremental/) recomputes it for the affected customers only.
 */
export const FIRST_ORDER = 'etl_build_first_order';

export const FIRST_ORDER_COLUMNS = 'customer_id, order_date, channel, owner';

/** Where the first orders come from: a full build reads every fact; the nightly refresh some. */
export interface FirstOrderSource {
  /** Order facts to read (default: the fct_order being built). */
  facts?: string;
  /** Customers whose rows come from `facts`; the others' stay in `kept`, which FIRST_ORDER then names. */
  except?: string;
  kept?: string;
  /** A table to fill with the customers whose first order went, came or changed (keep-in-place.ts). */
  changed?: string;
}

/** The table of the affected customers' rows in a refresh; FIRST_ORDER is then a view of the kept table. */
export const FIRST_ORDER_NEW = 'etl_incr_first_order';

/**
 * Fills FIRST_ORDER. Same-day orders: the channel first in code point order, then the owner, so
 * the row is the same on every engine and every run. A refresh writes the affected customers'
 * rows into a table of their own, puts them in the kept table in place of their old ones, and
 * makes FIRST_ORDER a view of it (keep-in-place.ts: nothing copied).
 */
export async function buildFirstOrders(ctx: MartContext, from: FirstOrderSource = {}): Promise<void> {
  const { sql } = ctx;
  const facts = from.facts ?? build('fct_order');
  const incremental = from.except !== undefined && from.kept !== undefined;
  const name = incremental ? FIRST_ORDER_NEW : FIRST_ORDER;
  await scratchTable(ctx, {
    name,
    columns: [
      { name: 'customer_id', type: 'int' },
      { name: 'order_date', type: 'date' },
      { name: 'channel', type: 'key' },
      { name: 'owner', type: 'text' },
    ],
    key: ['customer_id'],
  });
  const channel = `COALESCE(NULLIF(o.channel, ''), o.source)`;
  const dated = `o.order_date IS NOT NULL AND o.order_date <= '${ctx.asOf}'`;
  // Where the engine can, the first row's values are the MIN of (day, channel, owner, the owner as
  // it is) per customer, a hash aggregate: the window sorted every order. PostgreSQL, the bench's
  // 1M customers / 10M orders, back to back, load ~4 on 2 cores: window 74.8 / 70.4 s (backend CPU
  // 40.4 / 38.8 s), this 14.4 s (11.3 s). One concatenated text took 13.9 s (8.9 s) but cannot tell
  // a channel holding the separator. Owners NULL and '' tie in both; the tuple then keeps ''.
  const tuple = [channel, `COALESCE(o.owner, '')`, 'o.owner'];
  const first = (pick: number) => ctx.wh.adapter.firstInGroup(tuple, pick, 'o.order_date');
  const select =
    first(0) === null
      ? `SELECT customer_id, order_date, channel, owner FROM (
      SELECT o.customer_id, o.order_date, ${channel} AS channel, o.owner,
        ROW_NUMBER() OVER (PARTITION BY o.customer_id
          ORDER BY o.order_date, ${sql.sortKey(channel)}, ${sql.sortKey(`COALESCE(o.owner, '')`)}) AS rn
      FROM ${facts} o WHERE ${dated}
    ) f WHERE rn = 1`
      : `SELECT o.customer_id, MIN(o.order_date), ${first(0)}, ${first(2)}
    FROM ${facts} o WHERE ${dated} GROUP BY o.customer_id`;
  await fill(ctx, name, `INSERT INTO ${name} (${FIRST_ORDER_COLUMNS}) ${select}`);
  if (!incremental) return;
  await keepInPlace(ctx, FIRST_ORDER, {
    kept: from.kept!,
    except: from.except!,
    fresh: FIRST_ORDER_NEW,
    columns: FIRST_ORDER_COLUMNS,
    key: ['customer_id'],
    text: ['channel', 'owner'],
    changed: from.changed
      ? { name: from.changed, columns: [{ name: 'customer_id', type: 'int' }] }
      : undefined,
  });
}

/** Whether this build has its first orders yet (the refresh makes them before the funnel). */
export function hasFirstOrders(ctx: MartContext): boolean {
  return ctx.scratch.has(FIRST_ORDER) || ctx.scratch.has(FIRST_ORDER_NEW);
}
