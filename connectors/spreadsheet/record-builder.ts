/**
 * One row → a SourceRecord, or a RejectedRecord with the reason and the raw row.
 *
 * Rejected: rows that cannot be split (broken quoting), ragged CSV rows, contacts without any
 * usable identity, rows whose required values (order_date, amount, …) are missing or unusable.
 * A bad optional value is dropped with a warning and the rest of the row is kept.
 */
import {
  keepInAttributes,
  type ConnectorItem,
  type Lineage,
  type SourceRecord,
  type StreamName,
} from '../contract.js';
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
import { cleanText, parsePartialDate } from '../../transforms/normalize/index.js';

/** What the record builder makes of a row (a sheet's reader may also yield encoded rows: ConnectorItem). */
export type SheetItem = Extract<ConnectorItem, { kind: 'record' | 'reject' }>;

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
  if (row.error !== undefined) return reject(ctx, row, lineage, row.error);
  const ragged = cellCountProblem(row.cells, ctx);
  if (ragged !== null) return reject(ctx, row, lineage, ragged);

  const values: Values = {};
  // Why a field's cell was dropped, in column order; made only for a row that has a problem.
  let problems: Partial<Record<FieldName, string>> | null = null;
  const warnings: string[] = [];
  const attributes: Record<string, string> = {};
  let sourceKeyValue: string | number | undefined;
  let birthDatePartial: string | null = null;
  const states = columnStates(ctx);
  for (let c = 0; c < states.length; c++) {
    const state = states[c]!;
    const col = state.col;
    const cell = row.cells[col.index] ?? null;
    if (col.field === null) {
      keepAttribute(attributes, col.label, cell);
      continue;
    }
    const converted = convertMemo(state, col, col.field, cell, ctx.defaultRegion);
    if (converted === null) continue;
    if (!converted.ok) {
      const partial = col.field === 'birth_date' ? dayUnknown(cell, col.format) : null;
      if (partial !== null) {
        birthDatePartial = partial;
        warnings.push(partialWarning(cell, partial));
        continue;
      }
      problems ??= {};
      problems[col.field] = converted.problem;
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

  const required = missingRequired(ctx.stream, values);
  if (required !== null) {
    const why = required.map((f) => problems?.[f] ?? `${f} is ${hasColumn(ctx, f) ? 'empty' : 'not mapped'}`);
    return reject(ctx, row, lineage, why.join('; '));
  }
  if (ctx.stream === 'contact') {
    completeNames(values);
    if (!hasAny(values, CONTACT_IDENTITY)) {
      const dropped = CONTACT_IDENTITY.flatMap((f) => problems?.[f] ?? []);
      const why =
        dropped.length > 0 ? dropped.join('; ') : 'no name, email, phone, company, tax id or personal id';
      return reject(ctx, row, lineage, `no usable identity: ${why}`);
    }
  } else if (ctx.stream !== 'spend' && !hasAny(values, CUSTOMER_REFERENCE)) {
    warnings.push('no customer reference (customer_source_key, email, phone, tax_id, full_name, company)');
  }
  if (problems !== null) for (const p of Object.values(problems)) warnings.push(`${p}: dropped`);

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
    // A partial birth date only where no real one was given (two birth date columns).
    fields: (birthDatePartial !== null && values.birth_date === undefined && ctx.stream === 'contact'
      ? { ...values, birth_date_partial: birthDatePartial }
      : values) as SourceRecord['fields'],
    attributes,
    lineage,
    warnings,
  };
  return { kind: 'record', record };
}

/**
 * A birth date written with day 00 ("00.05.1980", "1980-05-00", month 00 too for a year alone):
 * `YYYY-MM` / `YYYY` for stg_contact.birth_date_partial, kept rather than dropped so the record
 * still has a date to be matched on; null for any other unusable cell.
 */
function dayUnknown(cell: Cell, format: string | undefined): string | null {
  if (typeof cell !== 'string') return null;
  const clean = cleanText(cell);
  return clean === null ? null : parsePartialDate(clean, format);
}

function partialWarning(cell: Cell, partial: string): string {
  const unknown = partial.length === 4 ? 'day and month unknown' : 'day unknown';
  return `birth_date "${cellText(cell)}": ${unknown}, kept as ${partial} in birth_date_partial`;
}

function reject(ctx: BuildContext, row: RawRow, lineage: Lineage, reason: string): SheetItem {
  return { kind: 'reject', reject: { stream: ctx.stream, reason, raw: row.raw, lineage } };
}

/** The stream's required fields without a value, in their order, or null when none is missing. */
function missingRequired(stream: StreamName, values: Values): FieldName[] | null {
  const fields = REQUIRED_FIELDS[stream];
  let missing: FieldName[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (values[f] === undefined) (missing ??= []).push(f);
  }
  return missing;
}

function hasAny(values: Values, fields: readonly FieldName[]): boolean {
  for (let i = 0; i < fields.length; i++) if (values[fields[i]!] !== undefined) return true;
  return false;
}

/**
 * Per column of a sheet, its conversion rule (the same for every row: built once, not per cell)
 * and its memo. Kept per BuildContext, so a row costs one lookup rather than two per cell; a
 * column whose field, format or decimal changed since gets a fresh rule and memo.
 */
interface ColumnState {
  col: ColumnPlan;
  rule: ValueRule | null;
  memo: ColumnMemo | null;
}

const states = new WeakMap<BuildContext, { columns: readonly ColumnPlan[]; states: ColumnState[] }>();

function columnStates(ctx: BuildContext): ColumnState[] {
  let entry = states.get(ctx);
  if (entry?.columns !== ctx.columns || entry.states.length !== ctx.columns.length) {
    entry = { columns: ctx.columns, states: ctx.columns.map((col) => ({ col, rule: null, memo: null })) };
    states.set(ctx, entry);
  }
  for (let i = 0; i < entry.states.length; i++) {
    const state = entry.states[i]!;
    if (state.col !== ctx.columns[i]) entry.states[i] = { col: ctx.columns[i]!, rule: null, memo: null };
  }
  return entry.states;
}

function ruleOf(state: ColumnState, col: ColumnPlan, field: FieldName): ValueRule {
  let rule = state.rule;
  if (rule?.field !== field || rule.format !== col.format || rule.decimal !== col.decimal) {
    rule = { field, kind: FIELD_KINDS[field], format: col.format, decimal: col.decimal };
    state.rule = rule;
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
  /** The text of the latest lookup and its conversion: a run of one value skips the hashing. */
  lastText: string | null;
  lastConverted: Converted | null;
}

const MEMO_LIMIT = 4_096;
const MEMO_TRIAL = 2_048;

function convertMemo(
  state: ColumnState,
  col: ColumnPlan,
  field: FieldName,
  cell: Cell,
  region: string,
): Converted | null {
  const rule = ruleOf(state, col, field);
  if (typeof cell !== 'string') return convertCell(cell, rule, region);
  let memo = state.memo;
  if (memo === null || memo.rule !== rule || memo.region !== region) {
    memo = { rule, region, cache: new Map(), lookups: 0, hits: 0, lastText: null, lastConverted: null };
    state.memo = memo;
  }
  const cache = memo.cache;
  if (cache === null) return convertCell(cell, rule, region);
  memo.lookups++;
  if (cell === memo.lastText) {
    memo.hits++;
    return memo.lastConverted;
  }
  let converted = cache.get(cell);
  if (converted !== undefined || cache.has(cell)) {
    memo.hits++;
  } else {
    converted = convertCell(cell, rule, region);
    if (memo.lookups >= MEMO_TRIAL && memo.hits < memo.lookups / 4) {
      memo.cache = null;
      return converted;
    }
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(cell, converted);
  }
  memo.lastText = cell;
  memo.lastConverted = converted ?? null;
  return converted ?? null;
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
  if (text.trim() !== '') keepInAttributes(attributes, label, text);
}
