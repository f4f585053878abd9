import { createScratch } from '../marts/build-tables.js';
import { fill, type MartContext } from '../marts/context.js';
import {
  customerRefSql,
  prepareRefs,
  refSource,
  refTable,
  STREAM_TABLES,
  type FactStream,
} from './customer-ref.js';

export interface LinkStats {
  /** New crosswalk rows tying a reference to an existing customer by exact tax id, email or phone. */
  matched: number;
  /** New customers for orders nobody knew ('order-only'). */
  created: number;
}

/**
 * Which staged orders can hold a reference the crosswalk does not know: all of them, or (the
 * nightly refresh, when no crosswalk row went since the last build: incremental/link-scope.ts)
 * those stamped after an SQL instant — every older order's reference was linked by then.
 */
export interface LinkScope {
  ordersSince?: string;
}

const REF = 'etl_build_ref';
const LINK = 'etl_build_link';
const UNKNOWN = 'etl_build_unknown_ref';

/**
 * Ties every staged order (and what it can of the interactions) to a customer, in the warehouse,
 * set-based. References already in the crosswalk are left alone, so ids are stable across runs.
 * A new reference is linked to the one dim_customer holding its tax id, email or phone (a value
 * held by several customers proves nothing and is skipped); an order reference still unknown
 * becomes a customer of its own, match_rule 'order-only', with ids max(customer_id)+1… in code
 * point order of (source, reference) — the identity resolver allocates ids the same way.
 * Interactions never create customers: an unknown sender is not a customer.
 */
export async function linkCustomers(ctx: MartContext, scope: LinkScope = {}): Promise<LinkStats> {
  const { wh } = ctx;
  const stats: LinkStats = { matched: 0, created: 0 };
  try {
    for (const stream of ['order', 'interaction'] as const) {
      const s = await linkStream(ctx, stream, stream === 'order' ? scope.ordersSince : undefined);
      stats.matched += s.matched;
      stats.created += s.created;
      // The facts join the crosswalk next: its statistics must count the links just added.
      await wh.adapter.analyze(wh.knex, 'customer_crosswalk');
    }
  } finally {
    await wh.knex.schema.dropTableIfExists(REF);
    await wh.knex.schema.dropTableIfExists(LINK);
    await wh.knex.schema.dropTableIfExists(UNKNOWN);
  }
  return stats;
}

async function linkStream(ctx: MartContext, stream: FactStream, since?: string): Promise<LinkStats> {
  const { wh, sql } = ctx;
  const { table, when, owner } = STREAM_TABLES[stream];
  // The rows stamped since are few and read through the updated_at index (0016): each reference
  // is computed in place, on every engine, instead of a pass over the whole table.
  if (!since) await prepareRefs(ctx, stream);
  const { from, ref, known } = since
    ? { from: `${table} s`, ref: customerRefSql('s', stream), known: true }
    : await unknownRefSource(ctx, stream);
  await createScratch(wh, {
    name: REF,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'ref', type: 'key' },
      ...(['email', 'full_name', 'company', 'owner'] as const).map((name) => ({
        name,
        type: 'text' as const,
      })),
      ...(['phone', 'tax_id'] as const).map((name) => ({ name, type: 'key' as const })),
      { name: 'seen_first', type: 'datetime' },
      { name: 'seen_last', type: 'datetime' },
    ],
    key: ['source', 'ref'],
  });
  await createScratch(wh, {
    name: LINK,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'ref', type: 'key' },
      { name: 'customer_id', type: 'int' },
      { name: 'match_rule', type: 'key' },
    ],
    key: ['source', 'ref'],
  });

  // One row per unknown reference, described by its latest record (nulls last, then key order).
  const part = `PARTITION BY s.source, ${ref}`;
  await fill(
    ctx,
    REF,
    `
    INSERT INTO ${REF} (source, ref, email, phone, tax_id, full_name, company, owner, seen_first, seen_last)
    SELECT source, ref, email, phone, tax_id, full_name, company, owner, seen_first, seen_last FROM (
      SELECT s.source, ${ref} AS ref, s.email, s.phone, s.tax_id, s.full_name, s.company, ${owner === 'NULL' ? 'NULL' : `s.${owner}`} AS owner,
        MIN(s.loaded_at) OVER (${part}) AS seen_first,
        MAX(s.updated_at) OVER (${part}) AS seen_last,
        ROW_NUMBER() OVER (${part} ORDER BY CASE WHEN s.${when} IS NULL THEN 1 ELSE 0 END, s.${when} DESC, ${sql.sortKey('s.source_key')} DESC) AS rn
      FROM ${from}
      WHERE ${ref} IS NOT NULL ${since ? `AND s.updated_at > ${since}` : ''}
        ${known ? `AND NOT EXISTS (SELECT 1 FROM customer_crosswalk x WHERE x.source = s.source AND x.source_key = ${ref})` : ''}
    ) u WHERE rn = 1`,
  );
  // After the first build nearly every reference is known: skip the scans of dim_customer.
  const [pending] = wh.adapter.rows(await wh.knex.raw(`SELECT COUNT(*) AS n FROM ${REF}`));
  if (Number(pending?.n ?? 0) === 0) return { matched: 0, created: 0 };

  const unique = (column: string) =>
    `(SELECT ${column} AS v, MIN(customer_id) AS id FROM dim_customer WHERE ${column} IS NOT NULL AND ${column} <> '' GROUP BY ${column} HAVING COUNT(*) = 1)`;
  await fill(
    ctx,
    LINK,
    `
    INSERT INTO ${LINK} (source, ref, customer_id, match_rule)
    SELECT r.source, r.ref, COALESCE(t.id, e.id, p.id),
      CASE WHEN t.id IS NOT NULL THEN '${stream}-tax_id' WHEN e.id IS NOT NULL THEN '${stream}-email' ELSE '${stream}-phone' END
    FROM ${REF} r
    LEFT JOIN ${unique('tax_id')} t ON t.v = r.tax_id
    LEFT JOIN ${unique('email')} e ON e.v = r.email
    LEFT JOIN ${unique('phone')} p ON p.v = r.phone
    WHERE COALESCE(t.id, e.id, p.id) IS NOT NULL`,
  );

  return wh.knex.transaction(async (trx) => {
    let created = 0;
    if (stream === 'order') {
      // Ids are taken inside the transaction that inserts them.
      const res = await trx.raw(`
        INSERT INTO ${LINK} (source, ref, customer_id, match_rule)
        SELECT r.source, r.ref, m.base + ROW_NUMBER() OVER (ORDER BY ${sql.sortKey('r.source')}, ${sql.sortKey('r.ref')}), 'order-only'
        FROM ${REF} r
        CROSS JOIN (SELECT COALESCE(MAX(customer_id), 0) AS base FROM dim_customer) m
        LEFT JOIN ${LINK} l ON l.source = r.source AND l.ref = r.ref
        WHERE l.ref IS NULL`);
      created = affected(res);
      await trx.raw(`
        INSERT INTO dim_customer (customer_id, full_name, email, phone, company, tax_id, owner, first_seen, last_seen, record_count)
        SELECT l.customer_id, r.full_name, r.email, r.phone, r.company, r.tax_id, r.owner, r.seen_first, r.seen_last, 1
        FROM ${LINK} l JOIN ${REF} r ON r.source = l.source AND r.ref = l.ref
        WHERE l.match_rule = 'order-only'`);
    }
    const linked = affected(
      await trx.raw(`
        INSERT INTO customer_crosswalk (source, source_key, customer_id, match_rule, match_score, linked_at)
        SELECT source, ref, customer_id, match_rule, 1, ${wh.adapter.now()} FROM ${LINK}`),
    );
    return { matched: linked - created, created };
  });
}

/**
 * The staged rows of a full link, with their reference, and whether references the crosswalk
 * already knows are still among them (`known`: the caller leaves them out).
 *
 * Where references are computed in place (adapter.joinsOnExpressions) that is every staged row.
 * Where they are read from the reference table (MySQL/MariaDB), MariaDB joins each reference to
 * its staged row before it tests the crosswalk: a primary-key probe into the orders for every
 * order, in reference order, so at random — at ten million orders that alone ran past 12 minutes,
 * and `NOT EXISTS` there is rewritten into an `IN` over a materialized copy of the crosswalk,
 * slower still (40 s at a million orders against 2 s as a join). So the references the crosswalk
 * does not know are picked out of the reference table first — its (source, ref) index read in
 * order against the crosswalk's key, an anti-join — and only their staged rows are read: after
 * the first build, next to none.
 */
async function unknownRefSource(
  ctx: MartContext,
  stream: FactStream,
): Promise<{ from: string; ref: string; known: boolean }> {
  const { wh } = ctx;
  if (wh.adapter.joinsOnExpressions) return { ...refSource(ctx, stream, 's'), known: true };
  await createScratch(wh, {
    name: UNKNOWN,
    columns: [
      { name: 'source', type: 'key' },
      { name: 'source_key', type: 'key' },
      { name: 'ref', type: 'key' },
    ],
    // The order the (source, ref) index is read in: rows go in appended, not at random.
    key: ['source', 'ref', 'source_key'],
  });
  await fill(
    ctx,
    UNKNOWN,
    `INSERT INTO ${UNKNOWN} (source, source_key, ref)
     SELECT r.source, r.source_key, r.ref FROM ${refTable(stream)} r
     LEFT JOIN customer_crosswalk x ON x.source = r.source AND x.source_key = r.ref
     WHERE r.ref IS NOT NULL AND x.source_key IS NULL`,
  );
  const { table } = STREAM_TABLES[stream];
  return {
    from: `${UNKNOWN} r JOIN ${table} s ON s.source = r.source AND s.source_key = r.source_key`,
    ref: 'r.ref',
    known: false,
  };
}

/** Rows written by an INSERT, whatever shape the driver reports it in. */
function affected(result: unknown): number {
  const r = (Array.isArray(result) ? result[0] : result) as
    { rowCount?: number; changes?: number; affectedRows?: number } | undefined;
  return Number(r?.rowCount ?? r?.changes ?? r?.affectedRows ?? 0);
}
