import { fill, scratchTable, type MartContext } from '../marts/context.js';
import { present } from '../marts/sql.js';

export type FactStream = 'order' | 'interaction';

/**
 * The customer reference of a staged order or interaction, as a crosswalk key within its source.
 *
 * An order names its customer by `customer_source_key` (an ERP customer id, a client code) — the
 * key the crosswalk links. An order sheet often has no such column, only the customer as written
 * on the order; then the reference is derived from it, strongest identifier first, so every order
 * of the same email (phone, tax id, name) in a source belongs to one customer:
 *   `email:<email>`, `phone:<phone>`, `tax_id:<tax id>`, `name:<company or full name>`.
 * An order with none of these is its own customer (`order:<order key>`); an interaction with none
 * has no customer and is left out of fct_interaction.
 *
 * Values are cut to 200 characters so the key fits the crosswalk's 255-character column.
 */
export function customerRefSql(alias: string, stream: FactStream): string {
  const c = (name: string) => `${alias}.${name}`;
  const derived = (prefix: string, column: string) =>
    `WHEN ${present(c(column))} THEN CONCAT('${prefix}:', SUBSTR(${c(column)}, 1, 200))`;
  return [
    'CASE',
    `WHEN ${present(c('customer_source_key'))} THEN ${c('customer_source_key')}`,
    derived('email', 'email'),
    derived('phone', 'phone'),
    derived('tax_id', 'tax_id'),
    derived('name', 'company'),
    derived('name', 'full_name'),
    stream === 'order' ? `ELSE CONCAT('order:', SUBSTR(${c('source_key')}, 1, 240))` : 'ELSE NULL',
    'END',
  ].join(' ');
}

/**
 * The prefixes customerRefSql gives a reference derived from the customer written on the row (or
 * the order itself), in the order it tries them: a crosswalk key starting with one may be the
 * reference of rows without a customer_source_key (the marts refresh looks for them: incremental/).
 */
export const DERIVED_REF_PREFIXES: readonly string[] = Object.freeze([
  'email',
  'phone',
  'tax_id',
  'name',
  'order',
]);

/** The staged table and its "when" column of each fact stream. */
export const STREAM_TABLES: Readonly<Record<FactStream, { table: string; when: string; owner: string }>> =
  Object.freeze({
    order: { table: 'stg_order', when: 'order_date', owner: 'owner' },
    // The mailbox a letter was read from (0006-interaction-mail), else as the source gives it.
    interaction: { table: 'stg_interaction', when: 'occurred_at', owner: 'owner' },
  });

export const refTable = (stream: FactStream): string => `etl_build_${stream}_ref`;

/**
 * Every staged row's reference, computed once and keyed both ways (engines without
 * adapter.joinsOnExpressions only: see refSource). Joining the crosswalk on the
 * CASE expression itself leaves the engine no index on one side: with stale statistics MariaDB
 * then drives the join from the crosswalk and scans the orders once per customer. With plain,
 * indexed columns on both sides any join order is a key lookup.
 */
export async function buildRefTable(ctx: MartContext, stream: FactStream): Promise<string> {
  const name = await scratchTable(ctx, {
    name: refTable(stream),
    columns: [
      { name: 'source', type: 'key' },
      { name: 'source_key', type: 'key' },
      { name: 'ref', type: 'key' },
    ],
    key: ['source', 'source_key'],
    indexes: [['source', 'ref']],
  });
  const ref = customerRefSql('s', stream);
  await fill(
    ctx,
    name,
    `INSERT INTO ${name} (source, source_key, ref)
     SELECT s.source, s.source_key, ${ref} FROM ${STREAM_TABLES[stream].table} s WHERE ${ref} IS NOT NULL`,
  );
  return name;
}

/**
 * How a query reads a stream's staged rows (alias `alias`) with their reference (`ref`, an SQL
 * expression). Engines that join on computed keys well (adapter.joinsOnExpressions) compute the
 * reference in place — one pass, no table of ten million keys to write and index; the others read
 * the indexed reference table, which prepareRefs built.
 */
export function refSource(
  ctx: MartContext,
  stream: FactStream,
  alias: string,
): { from: string; ref: string } {
  const { table } = STREAM_TABLES[stream];
  if (ctx.wh.adapter.joinsOnExpressions)
    return { from: `${table} ${alias}`, ref: customerRefSql(alias, stream) };
  return {
    from: `${table} ${alias} JOIN ${refTable(stream)} r ON r.source = ${alias}.source AND r.source_key = ${alias}.source_key`,
    ref: 'r.ref',
  };
}

/** Builds the reference table of a stream where refSource reads one (once per build). */
export async function prepareRefs(ctx: MartContext, stream: FactStream): Promise<void> {
  if (!ctx.wh.adapter.joinsOnExpressions && !ctx.scratch.has(refTable(stream)))
    await buildRefTable(ctx, stream);
}
