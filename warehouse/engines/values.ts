/**
 * Staging rows packed as values (EncodedValues) for an engine that binds values rather than
 * loading bulk text: SQLite. The reader thread packs them as it builds them, so the loading
 * thread only binds: no record or row object crosses between threads.
 */
import type { BufferPool } from '../../lib/buffer-pool.js';
import { withRoom } from '../../lib/buffer-pool.js';
import { StringReader } from '../../lib/packed-strings.js';
import type { EncodedValues, StageRow } from './adapter.js';
import { VALUE_NULL, VALUE_NUMBER, VALUE_STRING } from './adapter.js';
import type { StagingTableSpec } from '../tables.js';

/** What a packer makes of a batch: the encoded batch less its lineage and counts. */
export type PackedValues = Pick<
  EncodedValues,
  'bulk' | 'columns' | 'bound' | 'tags' | 'numbers' | 'lens' | 'text'
>;

/**
 * The columns a batch of staging rows is bound with (binding costs per value): the table's
 * columns that some row fills, and its key. A typical source fills a third of them; the rest are
 * still cleared on update. ValuePacker applies the same rule as it packs.
 */
export function filledColumns(spec: StagingTableSpec, rows: readonly StageRow[]): string[] {
  return spec.columns
    .map((c) => c.name)
    .filter((c) => spec.key.includes(c) || rows.some((r) => r[c] !== null && r[c] !== undefined));
}

/** Rows in a batch to start the buffers at (they grow for more). */
const START_ROWS = 2_048;

export class ValuePacker {
  private readonly columns: string[];
  private readonly write: Writer;
  private readonly filled: boolean[];
  private tags: Uint8Array;
  private t = 0;
  private numbers = new Float64Array(START_ROWS * 4);
  private n = 0;
  private lens = new Uint32Array(START_ROWS * 16);
  private l = 0;
  private text: Buffer;
  private at = 0;
  /** The strings of the row being packed, joined: written to `text` at once per row. */
  private rowText = '';

  /** `pool` hands out the buffers the strings are written into (and takes them back). */
  constructor(
    private readonly spec: StagingTableSpec,
    private readonly pool: BufferPool,
  ) {
    this.text = pool.take();
    this.columns = spec.columns.map((c) => c.name);
    this.write = valueWriter(spec);
    this.filled = this.columns.map((c) => spec.key.includes(c));
    this.tags = new Uint8Array(START_ROWS * this.columns.length);
  }

  add(row: StageRow): void {
    if (this.t + this.columns.length > this.tags.length) this.tags = grown(this.tags, this.columns.length);
    if (this.n + this.columns.length > this.numbers.length)
      this.numbers = grown(this.numbers, this.columns.length);
    if (this.l + this.columns.length > this.lens.length) this.lens = grown(this.lens, this.columns.length);
    this.rowText = '';
    this.write(row, this);
    this.text = withRoom(this.text, this.at, this.rowText.length * 2);
    this.at += this.text.write(this.rowText, this.at, 'utf16le');
  }

  /** One value of column `col` (its index in spec order); called by the generated writer. */
  put(col: number, value: unknown): void {
    if (value === null || value === undefined) {
      this.tags[this.t++] = VALUE_NULL;
      return;
    }
    this.filled[col] = true;
    if (typeof value === 'number') {
      this.tags[this.t++] = VALUE_NUMBER;
      this.numbers[this.n++] = value;
      return;
    }
    // As SQLite's loadBatch binds them: objects as JSON text.
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.tags[this.t++] = VALUE_STRING;
    this.lens[this.l++] = text.length;
    this.rowText += text;
  }

  /**
   * The rows so far, in buffers of their own (to transfer to another thread: the strings' one is
   * the pool's, given away whole), and a fresh start.
   */
  take(): PackedValues {
    const packed: PackedValues = {
      bulk: 'values',
      columns: this.columns,
      bound: this.columns.filter((_, i) => this.filled[i]),
      tags: this.tags.slice(0, this.t),
      numbers: this.numbers.slice(0, this.n),
      lens: this.lens.slice(0, this.l),
      text: this.text.subarray(0, this.at),
    };
    this.text = this.pool.take();
    this.t = this.n = this.l = this.at = 0;
    this.columns.forEach((c, i) => (this.filled[i] = this.spec.key.includes(c)));
    return packed;
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, atLeast: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(
    Math.max(array.length * 2, array.length + atLeast),
  );
  bigger.set(array);
  return bigger;
}

type Writer = (row: StageRow, packer: ValuePacker) => void;
const writers = new WeakMap<StagingTableSpec, Writer>();

/**
 * Puts each column of a row, by a function generated once per table that reads each as a fixed
 * property (a direct load; reading `row[name]` in a loop is a lookup per cell, and made packing
 * values ~3× as slow). Column names come from the table specs, embedded as JSON string literals.
 */
function valueWriter(spec: StagingTableSpec): Writer {
  let write = writers.get(spec);
  if (write === undefined) {
    const puts = spec.columns.map((c, i) => `p.put(${i}, row[${JSON.stringify(c.name)}]);`).join(' ');
    write = new Function(`'use strict'; return (row, p) => { ${puts} };`)() as Writer;
    writers.set(spec, write);
  }
  return write;
}

/**
 * The values of packed rows, `count` rows at a time, for binding: appends each row's values of
 * `bound` (in order) to `values`.
 */
export class ValueReader {
  private readonly isBound: boolean[];
  private t = 0;
  private n = 0;

  private readonly strings: StringReader;

  /** Refuses values that do not add up (bytes lost on the way, another table's columns). */
  constructor(
    private readonly rows: EncodedValues,
    spec: StagingTableSpec,
  ) {
    const problem = inconsistency(rows, spec);
    if (problem !== null) throw new Error(`Packed values for ${rows.table} cannot be read: ${problem}`);
    this.strings = new StringReader(rows);
    const bound = new Set(rows.bound);
    this.isBound = rows.columns.map((c) => bound.has(c));
  }

  read(values: unknown[], count: number): void {
    const { tags, numbers } = this.rows;
    const isBound = this.isBound;
    const width = isBound.length;
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < width; c++) {
        const tag = tags[this.t++];
        // Unbound columns are null in every row: nothing to read.
        if (!isBound[c]) continue;
        values.push(
          tag === VALUE_STRING ? this.strings.next() : tag === VALUE_NUMBER ? numbers[this.n++]! : null,
        );
      }
    }
  }
}

function inconsistency(rows: EncodedValues, spec: StagingTableSpec): string | null {
  const { columns, bound, tags, numbers, lens, text, count } = rows;
  if (columns.length !== spec.columns.length || columns.some((c, i) => c !== spec.columns[i]!.name)) {
    return `packed as columns ${columns.join(', ')}, not ${spec.name}'s`;
  }
  if (tags.length !== count * columns.length) return `${tags.length} values for ${count} rows`;
  let strings = 0;
  let nums = 0;
  for (const tag of tags) {
    if (tag === VALUE_STRING) strings++;
    else if (tag === VALUE_NUMBER) nums++;
  }
  if (strings !== lens.length || nums !== numbers.length) {
    return `${strings} strings and ${nums} numbers tagged, ${lens.length} and ${numbers.length} packed`;
  }
  let chars = 0;
  for (const len of lens) chars += len;
  if (chars * 2 !== text.byteLength) return `${chars} characters in ${text.byteLength} bytes`;
  if (bound.some((c) => !columns.includes(c))) return `bound columns ${bound.join(', ')} are not all packed`;
  return null;
}
