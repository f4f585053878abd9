import path from 'node:path';
import { ConfigError } from '../../lib/errors.js';
import type { Warehouse } from '../connection.js';
import { customerRefSql } from './customer-ref.js';

/** One source record, as the crosswalk keys it. */
export interface RecordId {
  source: string;
  sourceKey: string;
}

export const formatRecord = (r: RecordId): string => `${r.source}:${r.sourceKey}`;

/**
 * Finds the source record an operator names, as `source:source_key` or `source:file:line` (the
 * file as staged, or any path ending in it, and its line number, as `crm-etl quarantine` and the
 * rejects report show them). A key is tried first, since keys may hold colons themselves
 * (`phone:+7916…`, `h:3f2a…`). A record is a staged contact, or a customer that orders name
 * without one (the key `crm-etl explain` shows, e.g. `order-book:phone:+79161234567`).
 * Anything else is refused (exit 2) with the name as given and where to look it up.
 */
export async function findRecord(wh: Warehouse, ref: string): Promise<RecordId> {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1)
    throw new ConfigError(`'${ref}' is not a record reference`, {
      hint: 'Write source:source_key (e.g. sales-sheets:К-1001) or source:file:line (e.g. sales-sheets:clients.csv:12)',
    });
  const source = ref.slice(0, i);
  const rest = ref.slice(i + 1);
  if (await isRecord(wh, source, rest)) return { source, sourceKey: rest };

  const at = /^(.+):(\d+)$/.exec(rest);
  if (at) {
    const found = await recordsAtLine(wh, source, at[1]!, Number(at[2]));
    if (found.length === 1) return { source, sourceKey: found[0]! };
    if (found.length > 1)
      throw new ConfigError(
        `'${ref}' names ${found.length} records (${found.map((k) => `${source}:${k}`).join(', ')})`,
        { hint: 'Name the one you mean by its source:source_key' },
      );
  }
  const known = (await wh.knex('stg_contact').distinct('source').orderBy('source')) as Array<{
    source: string;
  }>;
  const knownSources = known.map((r) => r.source);
  const where = knownSources.includes(source)
    ? `source ${source} has no record with the key '${rest}'${at ? ` and no row at ${at[1]} line ${at[2]}` : ''}`
    : `no source named '${source}' has staged records${knownSources.length ? ` (sources with contacts: ${knownSources.join(', ')})` : ''}`;
  throw new ConfigError(`No record '${ref}' in the warehouse: ${where}`, {
    hint: 'Find the record with crm-etl customers <name, e-mail or phone> (its ids in every source are listed) or crm-etl explain <customer id>',
  });
}

async function isRecord(wh: Warehouse, source: string, key: string): Promise<boolean> {
  const where = { source, source_key: key };
  if (await wh.knex('stg_contact').where(where).first('source')) return true;
  // A customer named only by orders: linked already, or about to be on the next resolve.
  if (await wh.knex('customer_crosswalk').where(where).first('source')) return true;
  const ref = customerRefSql('o', 'order');
  const row = wh.adapter.rows(
    await wh.knex.raw(`SELECT 1 AS hit FROM stg_order o WHERE o.source = ? AND ${ref} = ? LIMIT 1`, [
      source,
      key,
    ]),
  );
  return row.length > 0;
}

/** Keys of the records staged from `file` (as staged, or a path ending in it) at `line`. */
async function recordsAtLine(wh: Warehouse, source: string, file: string, line: number): Promise<string[]> {
  const names = [...new Set([file, path.basename(file)])];
  const contacts = (await wh
    .knex('stg_contact')
    .where({ source, line })
    .whereIn('file', names)
    .distinct('source_key')
    .orderBy('source_key')) as Array<{ source_key: string }>;
  if (contacts.length) return contacts.map((r) => String(r.source_key));
  // An order row: the record is the customer it names.
  const ref = customerRefSql('o', 'order');
  const orders = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT DISTINCT ${ref} AS ref FROM stg_order o WHERE o.source = ? AND o.line = ? AND o.file IN (${names.map(() => '?').join(', ')})`,
      [source, line, ...names],
    ),
  );
  return orders.map((r) => String(r.ref)).sort();
}
