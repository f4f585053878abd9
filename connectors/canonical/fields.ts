/**
 * The canonical fields a source column can be mapped to: which streams have each field and how
 * its value is interpreted. The single source of truth for the mapping-file schema, the synonym
 * table, and the record builders of every connector.
 */
import type { StreamName } from '../contract.js';

/** How a cell becomes a field value. */
export type FieldKind =
  | 'text' // cleaned text
  | 'name' // a person-name part, re-cased where it was ALL CAPS / all lower
  | 'company' // organisation name
  | 'id' // identifier: kept as text, never a number (leading zeros survive)
  | 'tax_id' // INN, checksum-validated
  | 'email'
  | 'phone' // to E.164, extension split off
  | 'date' // YYYY-MM-DD
  | 'datetime'
  | 'amount' // number; decimal comma and NBSP thousands understood
  | 'currency'; // ISO-like code, upper-cased

export const FIELD_KINDS = {
  source_key: 'id',
  customer_source_key: 'id',
  first_name: 'name',
  last_name: 'name',
  middle_name: 'name',
  full_name: 'name',
  email: 'email',
  phone: 'phone',
  phone_ext: 'id',
  company: 'company',
  tax_id: 'tax_id',
  personal_id: 'id',
  birth_date: 'date',
  street: 'text',
  house: 'text',
  city: 'text',
  region: 'text',
  postcode: 'id',
  country: 'text',
  owner: 'text',
  customer_group: 'text',
  source_created_at: 'datetime',
  order_date: 'date',
  amount: 'amount',
  cost: 'amount',
  currency: 'currency',
  channel: 'text',
  status: 'text',
  occurred_at: 'datetime',
  direction: 'text',
  subject: 'text',
  thread_key: 'id',
  mail_from: 'text',
  mail_to: 'text',
  mail_cc: 'text',
  body: 'text',
  period_start: 'date',
  period_end: 'date',
  campaign: 'text',
} as const satisfies Record<string, FieldKind>;

export type FieldName = keyof typeof FIELD_KINDS;

export const FIELD_NAMES = Object.freeze(Object.keys(FIELD_KINDS)) as readonly FieldName[];

export function isFieldName(s: string): s is FieldName {
  return Object.prototype.hasOwnProperty.call(FIELD_KINDS, s);
}

// Field lists mirror the interfaces of connectors/contract.ts; `source_key` is every stream's key.
const STREAM_FIELDS: Record<StreamName, ReadonlySet<FieldName>> = {
  contact: new Set<FieldName>([
    'source_key',
    'first_name',
    'last_name',
    'middle_name',
    'full_name',
    'email',
    'phone',
    'phone_ext',
    'company',
    'tax_id',
    'personal_id',
    'birth_date',
    'street',
    'house',
    'city',
    'region',
    'postcode',
    'country',
    'owner',
    'customer_group',
    'source_created_at',
  ]),
  order: new Set<FieldName>([
    'source_key',
    'customer_source_key',
    'order_date',
    'amount',
    'cost',
    'currency',
    'channel',
    'status',
    'owner',
    'full_name',
    'email',
    'phone',
    'company',
    'tax_id',
  ]),
  interaction: new Set<FieldName>([
    'source_key',
    'customer_source_key',
    'occurred_at',
    'channel',
    'direction',
    'subject',
    'full_name',
    'email',
    'phone',
    'company',
    'owner',
    'thread_key',
    'mail_from',
    'mail_to',
    'mail_cc',
    'body',
  ]),
  spend: new Set<FieldName>([
    'source_key',
    'period_start',
    'period_end',
    'channel',
    'campaign',
    'amount',
    'currency',
  ]),
};

export function streamHasField(stream: StreamName, field: FieldName): boolean {
  return STREAM_FIELDS[stream].has(field);
}

export function fieldsOfStream(stream: StreamName): FieldName[] {
  return [...STREAM_FIELDS[stream]];
}

/** A row of this stream is rejected when one of these is missing or unusable. */
export const REQUIRED_FIELDS: Record<StreamName, readonly FieldName[]> = {
  contact: [],
  order: ['order_date', 'amount'],
  interaction: ['occurred_at'],
  spend: ['period_start', 'amount'],
};

/** A contact needs at least one of these to be anybody at all. */
export const CONTACT_IDENTITY: readonly FieldName[] = [
  'full_name',
  'last_name',
  'first_name',
  'middle_name',
  'email',
  'phone',
  'company',
  'tax_id',
  'personal_id',
];

/** What ties an order or interaction to a customer. */
export const CUSTOMER_REFERENCE: readonly FieldName[] = [
  'customer_source_key',
  'email',
  'phone',
  'tax_id',
  'full_name',
  'company',
];
