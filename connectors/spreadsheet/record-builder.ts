/**
 * One row → a SourceRecord, or a RejectedRecord with the reason and the raw row.
 *
 * Rejected: rows that cannot be split (broken quoting), ragged CSV rows, contacts without any
 * usable identity, rows whose required values (order_date, amount, …) are missing or unusable.
 * A bad optional value is dropped with a warning and the rest of the row is kept.
 */
import type { ConnectorItem, Lineage, SourceRecord, StreamName } from '../contract.js';
import { cellText, type Cell, type RawRow } from '../canonical/cells.js';
import type { ColumnPlan } from './columns.js';
import { completeNames } from '../canonical/names.js';
import { convertCell, type Converted, type ValueRule } from '../canonical/values.js';
import {
  CONTACT_IDENTITY,
  CUSTOMER_REFERENCE,
  FIELD_KINDS,
  REQUIRED_FIELDS,
  streamHasField,
  type FieldName,
} from '../canonical/fields.js';
import { contentKey } from './source-key.js';

export type SheetItem = ConnectorItem;

export interface BuildContext {
  file: string;
  stream: StreamName;
  columns: readonly ColumnPlan[];
  /** Cells in the header row, and up to its last non-empty one. */
  headerCells: number;
  headerWidth: number;
  /** CSV rows must have the header's number of cells; XLSX cells are positioned and need not. */
  checkCellCount: boolean;
  defaultRegion: string;
  /** Text encoding of a CSV/TSV file, named in a warning when a row does not decode cleanly. */
  encoding: string | null;
}

type Values = Partial<Record<FieldName, string | number>>;

export function buildItem(row: RawRow, ctx: BuildContext): SheetItem {
  const lineage: Lineage = { file: ctx.file, line: row.line };
  const reject = (reason: string): SheetItem => ({
    kind: 'reject',
    reject: { stream: ctx.stream, reason, raw: row.raw, lineage },
  });
  if (row.error !== undefined) return reject(row.error);
  const ragged = cellCountProblem(row.cells, ctx);
  if (ragged !== null) return reject(ragged);

  const values: Values = {};
  const problems = new Map<FieldName, string>();
  const warnings: string[] = [];
  const attributes: Record<string, string> = {};
  let sourceKeyValue: string | number | undefined;
  for (const col of ctx.columns) {
    const cell = row.cells[col.index] ?? null;
    if (col.field === null) {
      keepAttribute(attributes, col.label, cell);
      continue;
    }
    const rule = ruleOf(col, col.field);
    const converted = convertMemo(col, cell, rule, ctx.defaultRegion);
    if (converted === null) continue;
    if (!converted.ok) {
      problems.set(col.field, converted.problem);
      continue;
    }
    // The key is kept apart rather than deleted from `values` later: a delete turns the object
    // into a slow dictionary for every later reader.
    if (col.field === 'source_key') sourceKeyValue = converted.value;
    else values[col.field] = converted.value;
    if (converted.several) keepAttribute(attributes, col.label, cell);
    if (converted.ext) {
      if (streamHasField(ctx.stream, 'phone_ext')) values.phone_ext ??= converted.ext;
      else
        warnings.push(`phone extension "${converted.ext}" dropped: ${ctx.stream} records have no phone_ext`);
    }
  }
  // Cells right of the header (XLSX): data without a column title is still kept.
  for (let i = ctx.columns.length; i < row.cells.length; i++)
    keepAttribute(attributes, `Column ${i + 1}`, row.cells[i]!);

  const required = REQUIRED_FIELDS[ctx.stream].filter((f) => values[f] === undefined);
  if (required.length > 0) {
    return reject(
      required
        .map((f) => problems.get(f) ?? `${f} is ${hasColumn(ctx, f) ? 'empty' : 'not mapped'}`)
        .join('; '),
    );
  }
  if (ctx.stream === 'contact') {
    completeNames(values);
    if (!CONTACT_IDENTITY.some((f) => values[f] !== undefined)) {
      const dropped = CONTACT_IDENTITY.flatMap((f) => problems.get(f) ?? []);
      const why =
        dropped.length > 0 ? dropped.join('; ') : 'no name, email, phone, company, tax id or personal id';
      return reject(`no usable identity: ${why}`);
    }
  } else if (ctx.stream !== 'spend' && !CUSTOMER_REFERENCE.some((f) => values[f] !== undefined)) {
    warnings.push('no customer reference (customer_source_key, email, phone, tax_id, full_name, company)');
  }
  for (const p of problems.values()) warnings.push(`${p}: dropped`);

  let sourceKey = sourceKeyValue;
  if (sourceKey === undefined) {
    if (hasColumn(ctx, 'source_key')) warnings.push('source_key is empty: key derived from the row content');
    sourceKey = contentKey(ctx.columns, row.cells);
  }
  if (row.raw.includes('\uFFFD'))
    warnings.push(`row has bytes that are not valid ${ctx.encoding ?? 'text'} (shown as �)`);
  const record: SourceRecord = {
    stream: ctx.stream,
    sourceKey: String(sourceKey),
    fields: values as SourceRecord['fields'],
    attributes,
    lineage,
    warnings,
  };
  return { kind: 'record', record };
}

// A column's conversion rule is the same for every row: built once per column, not per cell.
const rules = new WeakMap<ColumnPlan, ValueRule>();

function ruleOf(col: ColumnPlan, field: FieldName): ValueRule {
  let rule = rules.get(col);
  if (rule?.field !== field || rule.format !== col.format || rule.decimal !== col.decimal) {
    rule = { field, kind: FIELD_KINDS[field], format: col.format, decimal: col.decimal };
    rules.set(col, rule);
  }
  return rule;
}

/**
 * Per column, the conversions of the texts seen recently. Columns such as city, manager, company,
 * group or date repeat their values row after row, and a conversion is a pure function of the
 * text (the rule and region are fixed per sheet), so a repeat costs one lookup. A column whose
 * values hardly repeat (phones, e-mails, keys) stops caching after a trial.
 */
interface ColumnMemo {
  rule: ValueRule;
  region: string;
  cache: Map<string, Converted | null> | null;
  lookups: number;
  hits: number;
}

const MEMO_LIMIT = 4_096;
const MEMO_TRIAL = 2_048;
const memos = new WeakMap<ColumnPlan, ColumnMemo>();

function convertMemo(col: ColumnPlan, cell: Cell, rule: ValueRule, region: string): Converted | null {
  if (typeof cell !== 'string') return convertCell(cell, rule, region);
  let memo = memos.get(col);
  if (memo === undefined || memo.rule !== rule || memo.region !== region) {
    memo = { rule, region, cache: new Map(), lookups: 0, hits: 0 };
    memos.set(col, memo);
  }
  const cache = memo.cache;
  if (cache === null) return convertCell(cell, rule, region);
  memo.lookups++;
  let converted = cache.get(cell);
  if (converted !== undefined || cache.has(cell)) {
    memo.hits++;
    return converted ?? null;
  }
  converted = convertCell(cell, rule, region);
  if (memo.lookups >= MEMO_TRIAL && memo.hits < memo.lookups / 4) memo.cache = null;
  else {
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(cell, converted);
  }
  return converted;
}

/** CSV only: "row has 7 cells, header has 9". Trailing empty cells beyond the header are fine. */
function cellCountProblem(cells: readonly Cell[], ctx: BuildContext): string | null {
  if (!ctx.checkCellCount) return null;
  if (cells.length < ctx.headerWidth) return `row has ${cells.length} cells, header has ${ctx.headerWidth}`;
  let last = cells.length - 1;
  while (last >= ctx.headerCells && cellText(cells[last]!).trim() === '') last--;
  if (last >= ctx.headerCells) return `row has ${last + 1} cells, header has ${ctx.headerCells}`;
  return null;
}

function hasColumn(ctx: BuildContext, field: FieldName): boolean {
  return ctx.columns.some((c) => c.field === field);
}

function keepAttribute(attributes: Record<string, string>, label: string, cell: Cell): void {
  const text = cellText(cell);
  if (text.trim() !== '') attributes[label] = text;
}
