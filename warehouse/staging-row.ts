/**
 * A record's row in its staging table, and the content hash the loader stores with it. Both
 * threads of a big CSV import use them: the reader thread hashes the rows it hands over (it has
 * time to spare; staging is the slower side), staging builds the same row and keeps that hash.
 */
import type { SourceRecord } from '../connectors/contract.js';
import type { StageRow } from './engines/adapter.js';
import { rowHash } from './loader.js';
import { STAGING_TABLES, type StagingTableSpec } from './tables.js';

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

/** Attributes as staged: JSON text, or null when there are none. */
export function attributesText(attributes: Record<string, string>): string | null {
  for (const _ in attributes) return JSON.stringify(attributes);
  return null;
}

/**
 * The hash the loader would store for the record staged under `source`: lineage (run, file,
 * line, warnings) is not part of it, so it is the same whichever run or file stages the record.
 */
export function stagingHash(record: SourceRecord, source: string): string {
  const spec = STAGING_TABLES[record.stream];
  return rowHash(spec, rowMaker(spec)(record, source, null, '', attributesText(record.attributes), null));
}
