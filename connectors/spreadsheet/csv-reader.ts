/**
 * CSV/TSV files: encoding, delimiter and the first rows from a 64 KB sample, then the whole
 * file streamed through iconv-lite → lines → logical records → csv-parse cells, in bounded
 * memory (one batch of records at a time).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import iconv from 'iconv-lite';
import { SourceError } from '../../lib/errors.js';
import type { RawRow } from '../canonical/cells.js';
import { CsvCellParser } from './csv-cells.js';
import { itemsFromWorker, useWorker } from './csv-parallel.js';
import { sniffDelimiter } from './delimiter.js';
import { detectEncoding } from './encoding.js';
import type { FileHead } from './file-format.js';
import { limitOf, overLimit } from './limits.js';
import { LineSplitter, splitLines } from './line-splitter.js';
import type { MappingFile } from './mapping.js';
import { RecordSplitter, splitRecords, type LogicalRecord } from './record-splitter.js';
import type { SheetInput } from './sheet.js';
import type { StagingEncoding } from '../contract.js';

/** Records handed to csv-parse at once. */
const BATCH = 256;
/** Rows of the sample kept for header detection. */
const SAMPLE_ROWS = 200;

export function openCsv(
  path: string,
  file: string,
  head: FileHead,
  mapping: MappingFile | undefined,
  staging?: StagingEncoding,
): SheetInput {
  const encoding = mapping?.encoding ?? detectEncoding(head.sample).encoding;
  let lines = splitLines(iconv.decode(head.sample, encoding));
  // The sample ends mid-line (and maybe mid-character) unless it is the whole file.
  if (!head.complete) lines = lines.slice(0, -1);
  const delimiter = mapping?.delimiter ?? sniffDelimiter(lines).delimiter;
  const trim = mapping?.trim ?? true;
  let records = splitRecords(lines, { delimiter, trim });
  if (!head.complete) records = records.slice(0, -1);
  const sample = toRows(records.slice(0, SAMPLE_ROWS), new CsvCellParser({ delimiter, trim }));
  return {
    file,
    format: delimiter === '\t' ? 'tsv' : 'csv',
    encoding,
    delimiter,
    sheet: null,
    sample,
    rowBatches: (expectedCells) => readRowBatches(path, encoding, { delimiter, trim, expectedCells }),
    itemsInWorker: (job, summary) =>
      useWorker(path) ? itemsFromWorker({ path, encoding, delimiter, trim, job, staging }, summary) : null,
  };
}

interface ReadOptions {
  delimiter: string;
  trim: boolean;
  expectedCells: { min: number; max: number } | undefined;
}

/** The rows of the file, in the batches they are parsed in (a few hundred at a time). */
export async function* readRowBatches(
  path: string,
  encoding: string,
  options: ReadOptions,
): AsyncGenerator<RawRow[]> {
  const parser = new CsvCellParser(options);
  const lines = new LineSplitter();
  const splitter = new RecordSplitter(options);
  let batch: LogicalRecord[] = [];
  const decoder = chunkDecoder(encoding);
  const take = (text: string | undefined): void => {
    if (text === undefined || text === '') return;
    for (const line of lines.push(text)) for (const rec of splitter.push(line)) batch.push(rec);
  };
  try {
    for (const chunk of fileChunks(path)) {
      take(decoder.write(chunk));
      if (batch.length >= BATCH) {
        yield toRows(batch, parser);
        batch = [];
      }
    }
    take(decoder.end());
    for (const line of lines.end()) batch.push(...splitter.push(line));
    batch.push(...splitter.end());
    if (batch.length > 0) yield toRows(batch, parser);
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(`cannot read ${path}: ${(err as Error).message}`, {
      hint: 'Check that the file is readable and not being written to',
      cause: err,
    });
  }
}

/**
 * The file's bytes, 32 KB at a time, read into one buffer that each chunk reuses: the decoder
 * turns a chunk into a string before the next is read. 32 KB, not 64: a chunk of Cyrillic text
 * decodes to a two-byte string of twice its length, and V8 puts strings over 128 KB in
 * large-object space, where each one is mapped fresh (the 117 MB bench file decoded ~20× slower
 * in 64 KB chunks). Read synchronously: a stream's hop to the thread pool and fresh buffer per
 * chunk took ~0.4 s of CPU on that file, against ~0.13 s; a read of 32 KB blocks for less than
 * parsing the rows in it does.
 */
function* fileChunks(path: string): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(32 * 1024);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * iconv-lite's streaming decoder (strips a BOM; keeps characters split across chunks), or for
 * the single-byte Cyrillic code pages the built-in TextDecoder, ~2-3× faster. The two agree on
 * every byte except windows-1251's unassigned 0x98 (iconv: U+FFFD, which the record builder
 * warns about): a chunk holding it goes through iconv. Single-byte decoding has no state, so
 * chunks may switch decoder.
 */
function chunkDecoder(encoding: string): { write(chunk: Buffer): string; end(): string | undefined } {
  const iconvDecoder = iconv.getDecoder(encoding);
  const fast = FAST_SINGLE_BYTE.get(encoding.toLowerCase());
  // Some of iconv-lite's decoders hold on to the bytes they were given (BOM-sniffing "utf-16" and
  // "utf-32" until they have seen enough, cesu8 a partial character): they get a copy, as the
  // chunk's buffer is read into again.
  if (fast === undefined)
    return { write: (chunk) => iconvDecoder.write(Buffer.from(chunk)), end: () => iconvDecoder.end() };
  const decoder = new TextDecoder(fast.label);
  return {
    write: (chunk) =>
      fast.unassigned !== null && chunk.includes(fast.unassigned)
        ? iconvDecoder.write(chunk)
        : decoder.decode(chunk),
    end: () => iconvDecoder.end(),
  };
}

const FAST_SINGLE_BYTE: ReadonlyMap<string, { label: string; unassigned: number | null }> = new Map([
  ['windows-1251', { label: 'windows-1251', unassigned: 0x98 }],
  ['koi8-r', { label: 'koi8-r', unassigned: null }],
]);

function toRows(records: readonly LogicalRecord[], parser: CsvCellParser): RawRow[] {
  const maxColumns = limitOf('columns');
  const maxCell = limitOf('cell');
  for (const rec of records) if (rec.cells > maxColumns) throw overLimit('columns', `line ${rec.line}`);
  const parsed = parser.parseAll(records);
  return records.map((rec, i) => {
    const result = parsed[i]!;
    if (!('cells' in result)) return { line: rec.line, cells: [], raw: rec.text, error: result.error };
    // No cell is longer than its row: only a long row has cells to measure.
    if (rec.text.length > maxCell)
      for (const cell of result.cells)
        if (typeof cell === 'string' && cell.length > maxCell)
          throw overLimit('cell', `a cell on line ${rec.line}`);
    return { line: rec.line, cells: result.cells, raw: rec.text };
  });
}
