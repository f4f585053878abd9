/**
 * A record's row in its staging table, the content hash the loader stores with it, and the rows
 * encoded for the engine's bulk path. Staging builds the row and hashes it; the reader thread of
 * a big CSV import encodes whole batches of them (RowEncoder), which staging sends as they are.
 */
import type { EncodedRecords, RecordEncoder, SourceRecord } from '../../connectors/contract.js';
import { BufferPool, withRoom } from '../../lib/buffer-pool.js';
import {
  encodedBuffers,
  type BulkFormat,
  type BulkTextFormat,
  type EncodedRows,
  type EncodedText,
  type EngineAdapter,
  type StageRow,
} from '../engines/adapter.js';
import { lineEncoder, needsEscape, type LineEncoder } from '../engines/tsv.js';
import { columnsToHash, hashOfText, loadBatchRows, rowHashText } from './loader.js';
import { STAGING_TABLES, type StagingTableSpec } from '../tables.js';
import { ValuePacker, type PackedValues } from '../engines/values.js';
import { mayBeUnstorable, storableRecord } from './storable-text.js';

export type RowMaker = (
  record: SourceRecord,
  source: string,
  runId: number | null,
  file: string,
  attributes: string | null,
  warnings: string | null,
) => StageRow;

const LINEAGE_VALUES: Readonly<Record<string, string>> = {
  source: 'source',
  source_key: 'record.sourceKey',
  run_id: 'runId',
  file: 'file',
  line: 'record.lineage.line',
  attributes: 'attributes',
  warnings: 'warnings',
};
const rowMakers = new WeakMap<StagingTableSpec, RowMaker>();

/**
 * A record's staging row as every path stages it (in-thread staging and the CSV reader thread's
 * RowEncoder), with its hash text (rowHashText): its text made storable on every engine
 * (storable-text.ts, each change a warning), attributes as JSON text, warnings joined.
 */
export function stagingRow(
  make: RowMaker,
  spec: StagingTableSpec,
  given: SourceRecord,
  source: string,
  runId: number | null,
  file: string,
): { row: StageRow; hashText: string; warned: boolean } {
  const build = (record: SourceRecord) =>
    make(
      record,
      source,
      runId,
      file,
      attributesText(record.attributes),
      record.warnings.length > 0 ? record.warnings.join('; ') : null,
    );
  let record = given;
  let row = build(record);
  let hashText = rowHashText(spec, row);
  if (mayBeUnstorable(spec, row, hashText)) {
    record = storableRecord(given, spec);
    if (record !== given) {
      row = build(record);
      hashText = rowHashText(spec, row);
    }
  }
  return { row, hashText, warned: record.warnings.length > 0 };
}

/**
 * A record's staging row, built by a function generated once per table: one object literal with
 * every column of the table in spec order, so all rows share one shape and every field is read as
 * a fixed property (the loader's encoders read them the same way). Columns the record does not
 * fill are null; fields that are not columns of the table are not carried. Column names come from
 * the table specs, embedded as JSON string literals.
 */
export function rowMaker(spec: StagingTableSpec): RowMaker {
  let make = rowMakers.get(spec);
  if (make === undefined) {
    const props = spec.columns.map(
      ({ name }) => `${JSON.stringify(name)}: ${LINEAGE_VALUES[name] ?? `value(f[${JSON.stringify(name)}])`}`,
    );
    make = new Function(
      'value',
      `'use strict'; return (record, source, runId, file, attributes, warnings) => { const f = record.fields; return { ${props.join(', ')} }; };`,
    )((v: unknown) => (v === undefined ? null : v)) as RowMaker;
    rowMakers.set(spec, make);
  }
  return make;
}

/**
 * What JSON.stringify may escape in a string: quotes, backslashes, controls and lone surrogates;
 * the test takes in every surrogate, so text with emoji goes the JSON.stringify way.
 */
// eslint-disable-next-line no-control-regex -- JSON escapes control characters, which is the point
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Column labels as JSON strings: a sheet has a few, repeated on every row. */
const labelJson = new Map<string, string>();
const LABELS_KEPT = 1_024;

/**
 * Attributes as staged: JSON text, or null when there are none. The same text JSON.stringify
 * makes (the row hash covers it), built by hand: a plain string is quoted as it is and a label's
 * JSON is made once, a third of JSON.stringify's time on a row of the bench's client list.
 */
export function attributesText(attributes: Record<string, string>): string | null {
  let text: string | null = null;
  for (const label in attributes) {
    let key = labelJson.get(label);
    if (key === undefined) {
      key = JSON.stringify(label);
      if (labelJson.size < LABELS_KEPT) labelJson.set(label, key);
    }
    const value: unknown = attributes[label];
    // Anything but a string (a connector's own attributes may hold other values) as JSON.stringify has it.
    if (typeof value !== 'string') return JSON.stringify(attributes);
    const quoted = JSON_SPECIAL.test(value) ? JSON.stringify(value) : `"${value}"`;
    text = `${text === null ? '{' : `${text},`}${key}:${quoted}`;
  }
  return text === null ? null : `${text}}`;
}

/**
 * Where and how records will be staged, told to a reader that can do staging's per-row work
 * itself (the CSV reader thread, through record-encoder.ts): staging checks that what it gets
 * was made for it.
 */
export interface StagingTarget {
  source: string;
  runId: number | null;
  /** The input as staging files it (the lineage column `file`). */
  file: string;
  /** The form the engine's bulk path takes rows in (EngineAdapter.bulkFormat). */
  bulkFormat: BulkFormat;
  /** Rows per encoded batch: the loader's own (loadBatchRows), so counts do not depend on who cut them. */
  batchRows: number;
}

/** The StagingTarget for staging into this warehouse under `source`, from `file`, in run `runId`. */
export function stagingTarget(
  adapter: EngineAdapter,
  where: { source: string; runId: number | null; file: string },
): StagingTarget {
  return { ...where, bulkFormat: adapter.bulkFormat, batchRows: loadBatchRows(adapter) };
}

/** The buffer a batch is written into to start with: 2,000 rows of ~250 bytes fit. */
const START_BYTES = 1 << 20;

/** What a packer makes of a batch: the encoded batch less its lineage and counts. */
type PackedText = Pick<EncodedText, 'bulk' | 'text'>;

/**
 * Staging rows as lines of bulk text (tsv.ts lineEncoder), each written as UTF-8 as it is made:
 * one string joined from thousands of lines and encoded at the end took twice as long (the
 * joined string is flattened first).
 */
class LinePacker {
  private readonly line: LineEncoder;
  /** The line of a row whose hashed columns have nothing to escape (see add). */
  private readonly plainLine: LineEncoder;
  private bytes: Buffer;
  private used = 0;

  constructor(
    spec: StagingTableSpec,
    private readonly format: BulkTextFormat,
    private readonly pool: BufferPool,
  ) {
    this.line = lineEncoder(spec.columns, format);
    this.plainLine = lineEncoder(spec.columns, format, new Set(columnsToHash(spec)));
    this.bytes = pool.take();
  }

  /**
   * `hashText` is the row's hash text (rowHashText): it holds the text of every hashed column,
   * so when it has nothing to escape neither have they, and their cells are written unchecked.
   */
  add(row: StageRow, hashText: string): void {
    const line = needsEscape(hashText) ? this.line(row) : this.plainLine(row);
    this.bytes = withRoom(this.bytes, this.used, line.length * 3);
    this.used += this.bytes.write(line, this.used, 'utf8');
  }

  /** The lines so far: a view of the pool's buffer written so far, given away whole. */
  take(): PackedText {
    const text = this.bytes.subarray(0, this.used);
    this.bytes = this.pool.take();
    this.used = 0;
    return { bulk: this.format, text };
  }
}

/**
 * Collects records as one batch of staging rows encoded for the engine's bulk path: the very row
 * and hash staging would make of each record (rowMaker, rowHashText, hashOfText), as lines of
 * bulk text (LinePacker) or as packed values (engines/values.ts ValuePacker). What a batch is
 * written into is handed out by a pool: its ArrayBuffer holds nothing else, so it can be
 * transferred to another thread, and it may be given back (reuse) once loaded.
 */
export class RowEncoder implements RecordEncoder {
  private readonly spec: StagingTableSpec;
  private readonly make: RowMaker;
  private readonly pool = new BufferPool(START_BYTES);
  private readonly packer: { add(row: StageRow, hashText: string): void; take(): PackedText | PackedValues };
  private count = 0;
  private withWarnings = 0;

  constructor(
    stream: SourceRecord['stream'],
    private readonly target: StagingTarget,
  ) {
    this.spec = STAGING_TABLES[stream];
    this.make = rowMaker(this.spec);
    const format = target.bulkFormat;
    this.packer =
      format === 'values'
        ? new ValuePacker(this.spec, this.pool)
        : new LinePacker(this.spec, format, this.pool);
  }

  get rows(): number {
    return this.count;
  }

  add(record: SourceRecord): void {
    const { source, runId, file } = this.target;
    const { row, hashText, warned } = stagingRow(this.make, this.spec, record, source, runId, file);
    row[this.spec.hashColumn] = hashOfText(hashText);
    this.packer.add(row, hashText);
    this.count++;
    if (warned) this.withWarnings++;
  }

  /** The batch so far, and a fresh start. */
  take(): EncodedRows {
    const { source, runId, file } = this.target;
    const batch = {
      table: this.spec.name,
      source,
      runId,
      file,
      count: this.count,
      withWarnings: this.withWarnings,
    };
    this.count = 0;
    this.withWarnings = 0;
    return { ...batch, ...this.packer.take() };
  }

  /** The bytes of an earlier batch that the loader is done with (EncodedRows.release), to write into again. */
  reuse(buffer: ArrayBuffer): void {
    this.pool.give(buffer);
  }

  buffers(batch: EncodedRecords): ArrayBuffer[] {
    return encodedBuffers(batch as EncodedRows);
  }
}
