import type { ResolveInput } from '../../transforms/identity/index.js';
import type { Warehouse } from '../connection.js';
import { customerRefSql } from './customer-ref.js';
import { CONTACT_FIELDS } from '../tables.js';

/** What resolve reads from the warehouse: every source record with a numeric id for this run. */
export interface IdentityInputs {
  records: ResolveInput[];
  /** record id -> `updated_at` of its staged row(s), for recency in survivorship. */
  updatedAt: string[];
  firstSeen: string[];
  /** (source, source_key) -> record id. */
  idOf: Map<string, number>;
  /** Full staged contact fields, by record id (order-derived records: what the orders give). */
  fields: Array<Record<string, string | null>>;
  /** Records 0..contacts-1 are staged contacts; the rest are customers only orders name. */
  contacts: number;
}

export const recordKey = (source: string, sourceKey: string): string => `${source}\u0000${sourceKey}`;

export const CONTACT_COLUMNS = CONTACT_FIELDS.map((c) => c.name);
export const ORDER_CUSTOMER_COLUMNS = ['full_name', 'email', 'phone', 'company', 'tax_id'] as const;
const PAGE = 50_000;

export const text = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v);
export const instant = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v ?? ''));

/** A staged contact row's fields, and the birth date the resolver reads (a partial one included). */
export function contactValues(r: Record<string, unknown>): {
  values: Record<string, string | null>;
  birthDate: string | null;
} {
  const values: Record<string, string | null> = {};
  for (const c of CONTACT_COLUMNS) values[c] = text(r[c]);
  return { values, birthDate: values.birth_date ?? partialBirthDate(text(r.birth_date_partial)) };
}

/** The customers orders name, grouped as the marts key them (customer-ref.ts); `where` narrows the orders. */
export function orderCustomersSql(wh: Warehouse, where = ''): string {
  const ref = customerRefSql('o', 'order');
  return `SELECT o.source AS source, ${ref} AS ref, ${ORDER_CUSTOMER_COLUMNS.map((c) => `MAX(${wh.adapter.binaryOrder(`o.${c}`)}) AS ${c}`).join(', ')},
              MIN(o.loaded_at) AS first_seen, MAX(o.updated_at) AS updated_at
         FROM stg_order o ${where}
        GROUP BY o.source, ${ref}
        ORDER BY ${wh.adapter.binaryOrder('o.source')}, ${wh.adapter.binaryOrder(ref)}`;
}

/**
 * stg_contact.birth_date_partial (`YYYY-MM`, `YYYY`) in the shape the resolver reads as a partial
 * date (transforms/identity/prepare parseIsoDate): `YYYY-MM-00`, `YYYY-00-00`. Only the resolver
 * sees it: `fields` (the golden record's source) keeps birth_date empty, as dim_customer holds
 * real dates only. Anything else is not a partial date and is left out.
 */
export function partialBirthDate(partial: string | null): string | null {
  if (partial === null) return null;
  if (/^\d{4}-(?:0[1-9]|1[0-2])$/.test(partial)) return `${partial}-00`;
  if (/^\d{4}$/.test(partial)) return `${partial}-00-00`;
  return null;
}

/**
 * Records are numbered in an order of their data (contacts by key, then order-only customers by
 * source and reference), never in the order an engine happens to return them: the number is
 * what identity resolution breaks its ties by (cluster representatives, new customer ids).
 *
 * Reads stg_contact (in key order, a page at a time) and the customers that orders name without a
 * staged contact, keyed the way the marts key them (customer-ref.ts), so an order-only customer
 * found here and one created by the marts are the same crosswalk record.
 */
export async function readIdentityInputs(
  wh: Warehouse,
  onRows?: (read: number) => void,
): Promise<IdentityInputs> {
  const out: IdentityInputs = {
    records: [],
    updatedAt: [],
    firstSeen: [],
    idOf: new Map(),
    fields: [],
    contacts: 0,
  };
  const add = (
    source: string,
    key: string,
    values: Record<string, string | null>,
    updated: string,
    first: string,
    partialDate: string | null = null,
  ) => {
    const id = out.records.length;
    out.idOf.set(recordKey(source, key), id);
    const record: ResolveInput = { id, source, sourceKey: key, ...values };
    if (partialDate !== null) record.birth_date = partialDate;
    out.records.push(record);
    out.fields.push(values);
    out.updatedAt.push(updated);
    out.firstSeen.push(first);
  };

  // One text per distinct instant: rows staged by one load share theirs, and a million
  // records' copies of the same few instants were ~80 MB of heap for the whole run.
  const instants = new Map<string, string>();
  const shared = (v: unknown): string => {
    const text = instant(v);
    const known = instants.get(text);
    if (known !== undefined) return known;
    if (instants.size >= 100_000) instants.clear();
    instants.set(text, text);
    return text;
  };

  const page = (after: readonly [string, string] | null) => {
    const q = wh
      .knex('stg_contact')
      .select('source', 'source_key', 'loaded_at', 'updated_at', 'birth_date_partial', ...CONTACT_COLUMNS)
      .orderBy(['source', 'source_key']);
    if (after) q.whereRaw('(source, source_key) > (?, ?)', after);
    // then() sends it now (a knex query runs when first awaited); a failure surfaces where the
    // page is awaited, not as an unhandled rejection while the page before is worked through.
    const rows = q.limit(PAGE).then((r) => r as Array<Record<string, unknown>>);
    rows.catch(() => undefined);
    return rows;
  };
  // The next page is asked for as soon as a page is in, before its rows are worked through: the
  // server reads and sends it meanwhile instead of waiting for Node.
  let pending: Promise<Array<Record<string, unknown>>> | null = page(null);
  while (pending) {
    const rows: Array<Record<string, unknown>> = await pending;
    const last = rows[rows.length - 1];
    pending = rows.length < PAGE || !last ? null : page([String(last.source), String(last.source_key)]);
    for (const r of rows) {
      const { values, birthDate } = contactValues(r);
      const resolveAs = values.birth_date === null ? birthDate : null;
      add(
        String(r.source),
        String(r.source_key),
        values,
        shared(r.updated_at),
        shared(r.loaded_at),
        resolveAs,
      );
    }
    onRows?.(out.records.length);
  }

  out.contacts = out.records.length;
  const grouped = wh.adapter.rows(await wh.knex.raw(orderCustomersSql(wh)));
  for (const r of grouped) {
    const source = String(r.source);
    const key = String(r.ref);
    if (out.idOf.has(recordKey(source, key))) continue; // the order names a staged contact
    const values: Record<string, string | null> = {};
    for (const c of ORDER_CUSTOMER_COLUMNS) values[c] = text(r[c]);
    add(source, key, values, shared(r.updated_at), shared(r.first_seen));
  }
  onRows?.(out.records.length);
  return out;
}
