import { hashString } from '../shared/hash.js';
import { radixSortByKey } from '../shared/radix.js';
import type { StringColumn } from '../types/prepared.js';

export function valueAt(col: StringColumn, pos: number): string | null {
  const code = col.codes[pos]!;
  return code < 0 ? null : col.values[code]!;
}

/**
 * For repetitive fields (names, cities, streets): raw value → code through one map lookup, the
 * normalizer running once per distinct raw value. A million records hold a few tens of
 * thousands of distinct names, so this is nearly all cache hits.
 */
export class ColumnBuilder {
  private readonly codes: Int32Array;
  private readonly byRaw = new Map<string, number>();
  private readonly byValue = new Map<string, number>();
  private readonly values: string[] = [];
  private readonly counts: number[] = [];
  private present = 0;

  constructor(
    size: number,
    private readonly normalize: (raw: string) => string | null,
  ) {
    this.codes = new Int32Array(size).fill(-1);
  }

  /** Sets position `pos` from a raw value; returns the code (-1 when it normalizes to nothing). */
  add(pos: number, raw: string): number {
    let code = this.byRaw.get(raw);
    if (code === undefined) {
      const v = this.normalize(raw);
      code = v === null || v === '' ? -1 : this.intern(v);
      this.byRaw.set(raw, code);
    }
    if (code >= 0) {
      this.codes[pos] = code;
      this.counts[code]!++;
      this.present++;
    }
    return code;
  }

  /** Sets position `pos` from an already normalized value (stored match keys). */
  addValue(pos: number, value: string): void {
    const code = this.intern(value);
    this.codes[pos] = code;
    this.counts[code]!++;
    this.present++;
  }

  /** The normalized value of a code returned by `add`. */
  value(code: number): string {
    return this.values[code]!;
  }

  private intern(v: string): number {
    let code = this.byValue.get(v);
    if (code === undefined) {
      code = this.values.length;
      this.byValue.set(v, code);
      this.values.push(v);
      this.counts.push(0);
    }
    return code;
  }

  finish(): StringColumn {
    return {
      codes: this.codes,
      values: this.values,
      counts: Int32Array.from(this.counts),
      valueHash: Uint32Array.from(this.values, hashString),
      present: this.present,
    };
  }
}

/** A column with no values (a field the model has but the records lack). */
export function emptyColumn(n: number): StringColumn {
  return {
    codes: new Int32Array(n).fill(-1),
    values: [],
    counts: new Int32Array(0),
    valueHash: new Uint32Array(0),
    present: 0,
  };
}

/**
 * For near-unique fields (emails, phones, ids), where a map would hold a million entries and cost
 * about a microsecond per operation: values with their hashes (computed while the value was
 * still in cache) are grouped by a radix sort of the hashes. Equal hashes are confirmed by
 * comparing the values, so a hash collision never merges two different emails.
 */
export function buildHashedColumn(values: ReadonlyArray<string | null>, hashes: Uint32Array): StringColumn {
  const n = values.length;
  const keyed: number[] = [];
  for (let i = 0; i < n; i++) if (values[i] !== null) keyed.push(i);
  const order = radixSortByKey(hashes, Int32Array.from(keyed));
  const codes = new Int32Array(n).fill(-1);
  const distinct: string[] = [];
  const counts: number[] = [];
  const valueHash: number[] = [];
  let k = 0;
  while (k < order.length) {
    const h = hashes[order[k]!]!;
    let end = k + 1;
    while (end < order.length && hashes[order[end]!] === h) end++;
    let local: Map<string, number> | null = null;
    const first = values[order[k]!]!;
    const firstCode = distinct.length;
    distinct.push(first);
    counts.push(0);
    valueHash.push(h);
    for (let x = k; x < end; x++) {
      const pos = order[x]!;
      let code = firstCode;
      if (end - k > 1 && values[pos] !== first) {
        // A real collision: different text, same hash. Rare; give it its own code.
        local ??= new Map();
        const v = values[pos]!;
        code = local.get(v) ?? -1;
        if (code < 0) {
          code = distinct.length;
          local.set(v, code);
          distinct.push(v);
          counts.push(0);
          valueHash.push(h);
        }
      }
      codes[pos] = code;
      counts[code]!++;
    }
    k = end;
  }
  return {
    codes,
    values: distinct,
    counts: Int32Array.from(counts),
    valueHash: Uint32Array.from(valueHash),
    present: keyed.length,
  };
}
