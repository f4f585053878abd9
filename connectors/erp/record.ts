/**
 * One database row → a SourceRecord, or a RejectedRecord with the reason and the row as JSON.
 * Values go through the same canonical conversions as spreadsheet cells (phones to E.164,
 * emails validated, INN checksums, names re-cased), so an ERP record and a spreadsheet record of
 * the same person compare equal. A bad optional value is dropped with a warning.
 */
import { isoFromDate, type Cell } from '../canonical/cells.js';
import {
  CONTACT_IDENTITY,
  CUSTOMER_REFERENCE,
  FIELD_KINDS,
  REQUIRED_FIELDS,
  streamHasField,
  type FieldName,
} from '../canonical/fields.js';
import { completeNames } from '../canonical/names.js';
import { convertCell } from '../canonical/values.js';
import { keepInAttributes, type ConnectorItem, type Lineage, type SourceRecord } from '../contract.js';
import type { ErpStreamSpec } from './spec.js';

type Values = Partial<Record<FieldName, string | number>>;

/** Where a stream's rows are from, as lineage and in the run summary: its table, or its name. */
export function streamLabel(spec: ErpStreamSpec): string {
  return spec.table ?? spec.name;
}

export function buildErpItem(
  row: Record<string, unknown>,
  spec: ErpStreamSpec,
  defaultRegion: string,
): ConnectorItem {
  const rawKey = row[spec.key];
  const key = rawKey === null || rawKey === undefined ? '' : String(rawKey);
  // `table#key` as staged: two streams over one table stay apart by their key prefix.
  const lineage: Lineage = { file: `${streamLabel(spec)}#${spec.keyPrefix ?? ''}${key}`, line: null };
  const reject = (reason: string): ConnectorItem => ({
    kind: 'reject',
    reject: { stream: spec.stream, reason, raw: rawJson(row), lineage },
  });
  if (key === '') return reject(`key column ${spec.key} is empty`);

  const values: Values = {};
  const problems = new Map<FieldName, string>();
  const warnings: string[] = [];
  const attributes: Record<string, string> = {};
  const ignored = new Set([spec.key, spec.cursor, ...(spec.ignore ?? [])]);
  for (const [column, value] of Object.entries(row)) {
    const field = spec.columns[column];
    const cell = toCell(value);
    if (field === undefined || field === 'source_key') {
      if (!ignored.has(column) && field === undefined && cell !== null && String(cell).trim() !== '')
        keepInAttributes(attributes, column, cell instanceof Date ? isoFromDate(cell) : String(cell));
      continue;
    }
    const kind = FIELD_KINDS[field];
    const converted = convertCell(kind === 'date' ? dateOnly(cell) : cell, { field, kind }, defaultRegion);
    if (converted === null) continue;
    if (!converted.ok) {
      problems.set(field, converted.problem);
      continue;
    }
    values[field] = converted.value;
    if (converted.ext) {
      if (streamHasField(spec.stream, 'phone_ext')) values.phone_ext ??= converted.ext;
      else
        warnings.push(`phone extension "${converted.ext}" dropped: ${spec.stream} records have no phone_ext`);
    }
  }

  const missing = REQUIRED_FIELDS[spec.stream].filter((f) => values[f] === undefined);
  if (missing.length > 0) {
    const mapped = new Set(Object.values(spec.columns));
    return reject(
      missing.map((f) => problems.get(f) ?? `${f} is ${mapped.has(f) ? 'empty' : 'not mapped'}`).join('; '),
    );
  }
  if (spec.stream === 'contact') {
    completeNames(values);
    if (!CONTACT_IDENTITY.some((f) => values[f] !== undefined)) {
      const dropped = CONTACT_IDENTITY.flatMap((f) => problems.get(f) ?? []);
      return reject(
        `no usable identity: ${dropped.length > 0 ? dropped.join('; ') : 'no name, email, phone, company, tax id or personal id'}`,
      );
    }
  } else if (spec.stream !== 'spend' && !CUSTOMER_REFERENCE.some((f) => values[f] !== undefined)) {
    warnings.push('no customer reference (customer_source_key, email, phone, tax_id, full_name, company)');
  }
  for (const p of problems.values()) warnings.push(`${p}: dropped`);

  const record: SourceRecord = {
    stream: spec.stream,
    sourceKey: `${spec.keyPrefix ?? ''}${key}`,
    fields: values as SourceRecord['fields'],
    attributes,
    lineage,
    warnings,
  };
  return { kind: 'record', record };
}

/** A timestamp's text in a date field ('2026-03-01 10:15:00.123456'): its date. */
function dateOnly(cell: Cell): Cell {
  return typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d/.test(cell) ? cell.slice(0, 10) : cell;
}

/** A driver's value as a cell: text, number, boolean, date or null. */
function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return JSON.stringify(value);
}

function rawJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
