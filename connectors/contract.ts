/**
 * What every connector produces. Connectors know nothing of the warehouse: they yield canonical
 * records (strings, numbers, ISO dates, null) with lineage, or rejects with a reason; the
 * pipeline stages them. The one exception is asked for: a reader told where its records will be
 * staged (warehouse/staging-row.ts StagingTarget) may hand them over as encoded staging rows.
 */
import type { EncodedRows } from '../warehouse/engines/adapter.js';

export type StreamName = 'contact' | 'order' | 'interaction' | 'spend';

export const STREAM_NAMES: readonly StreamName[] = Object.freeze([
  'contact',
  'order',
  'interaction',
  'spend',
]);

/** Where a record came from, precise enough for an operator to find it again. */
export interface Lineage {
  /** File path (as given by the user), mailbox path, table name or endpoint. */
  file: string | null;
  /** 1-based physical line in a text file, row number in a sheet, message UID, or null. */
  line: number | null;
}

/** Canonical fields of a person or organization (stg_contact). Dates are ISO `YYYY-MM-DD`. */
export interface ContactFields {
  first_name?: string | null;
  last_name?: string | null;
  middle_name?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  phone_ext?: string | null;
  company?: string | null;
  tax_id?: string | null;
  personal_id?: string | null;
  birth_date?: string | null;
  street?: string | null;
  house?: string | null;
  city?: string | null;
  region?: string | null;
  postcode?: string | null;
  country?: string | null;
  owner?: string | null;
  customer_group?: string | null;
}

/** Canonical fields of an order (stg_order). Amounts are numbers in `currency`. */
export interface OrderFields {
  customer_source_key?: string | null;
  order_date?: string | null;
  amount?: number | null;
  cost?: number | null;
  currency?: string | null;
  channel?: string | null;
  status?: string | null;
  owner?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  tax_id?: string | null;
}

/** Canonical fields of an interaction (stg_interaction): a mail, a call, a form submission. */
export interface InteractionFields {
  customer_source_key?: string | null;
  occurred_at?: string | null;
  channel?: string | null;
  direction?: string | null;
  subject?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
}

/** Canonical fields of marketing spend (stg_spend). */
export interface SpendFields {
  period_start?: string | null;
  period_end?: string | null;
  channel?: string | null;
  campaign?: string | null;
  amount?: number | null;
  currency?: string | null;
}

export interface StreamFields {
  contact: ContactFields;
  order: OrderFields;
  interaction: InteractionFields;
  spend: SpendFields;
}

/** One record read from a source, ready to stage. */
export interface SourceRecord<S extends StreamName = StreamName> {
  stream: S;
  /** Stable key within the source; derived from content when the source has none. */
  sourceKey: string;
  fields: StreamFields[S];
  /** Unmapped source columns, kept verbatim. */
  attributes: Record<string, string>;
  lineage: Lineage;
  /** Values that were present but unusable and dropped, e.g. `birth_date: "31.02.1980" is not a date`. */
  warnings: string[];
}

/**
 * Keeps a source column's text in a record's attributes. A column may be titled anything, and
 * `attributes["__proto__"] = text` would set nothing (it is the prototype's setter): that one
 * becomes an own property like any other.
 */
export function keepInAttributes(attributes: Record<string, string>, label: string, text: string): void {
  if (label === '__proto__') {
    Object.defineProperty(attributes, label, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    attributes[label] = text;
  }
}

/** A row that cannot be staged: goes to stg_quarantine with the reason and the raw row. */
export interface RejectedRecord {
  stream: StreamName;
  reason: string;
  raw: string;
  lineage: Lineage;
}

/**
 * What a connector's stream yields: a record to stage or a row it had to reject, or, from a
 * reader told where its records will be staged (StagingTarget), records already encoded as
 * staging rows.
 */
export type ConnectorItem =
  | { kind: 'record'; record: SourceRecord }
  | { kind: 'reject'; reject: RejectedRecord }
  | { kind: 'encoded'; rows: EncodedRows };
