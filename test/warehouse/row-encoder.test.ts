import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/contract.js';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { attributesText, RowEncoder, rowMaker } from '../../warehouse/staging/staging-row.js';
import { lineEncoder } from '../../warehouse/engines/tsv.js';
import { rowHash } from '../../warehouse/staging/loader.js';
import { filledColumns, ValuePacker, ValueReader } from '../../warehouse/engines/values.js';
import { BufferPool } from '../../lib/buffer-pool.js';
import { STAGING_TABLES } from '../../warehouse/tables.js';

function record(key: string): SourceRecord {
  return {
    stream: 'contact',
    sourceKey: key,
    fields: { full_name: 'Иванов Иван', email: `${key}@mail.ru` },
    attributes: {},
    lineage: { file: 'big.csv', line: 2 },
    warnings: [],
  };
}

const target = {
  source: 's',
  runId: null,
  file: 'big.csv',
  bulkFormat: 'copy-text',
  batchRows: 2_000,
} as const;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('RowEncoder batches', () => {
  it('each own its bytes until given back, and then the next batch is written into them', () => {
    const encoder = new RowEncoder('contact', target);
    encoder.add(record('a'));
    const first = encoder.take();
    const firstText = text(first.text);
    expect(first.count).toBe(1);
    expect(firstText).toMatch(/^s\ta\t/);
    // The text is the whole of what its buffer holds, from its start: it can be transferred.
    expect(first.text.byteOffset).toBe(0);

    encoder.add(record('b'));
    const second = encoder.take();
    expect(second.text.buffer).not.toBe(first.text.buffer);
    expect(text(first.text)).toBe(firstText); // not written over while not given back

    // Given back: the batch after the one being written goes into it.
    encoder.reuse(first.text.buffer as ArrayBuffer);
    encoder.add(record('c'));
    const third = encoder.take();
    encoder.add(record('d'));
    const fourth = encoder.take();
    expect(third.text.buffer).not.toBe(first.text.buffer);
    expect(fourth.text.buffer).toBe(first.text.buffer);
    expect(text(fourth.text)).toMatch(/^s\td\t/);
    expect(fourth).toMatchObject({ count: 1, withWarnings: 0, table: 'stg_contact', source: 's' });
  });

  it('writes the line the loader would, whatever a value holds that COPY text must escape', () => {
    // Cells of hashed columns go unchecked when the row's hash text has nothing to escape: any
    // tab, newline, carriage return or backslash must still be escaped, in whichever column.
    const spec = STAGING_TABLES.contact;
    const tricky = ['tab\there', 'new\nline', 'cr\rhere', 'back\\slash', 'plain'];
    const records: SourceRecord[] = tricky.flatMap((value, i) => [
      { ...record(`k${i}`), fields: { full_name: value, company: 'ООО Ромашка' } },
      { ...record(`a${i}`), attributes: { Комментарий: value } },
      { ...record(`w${i}`), warnings: [value] },
      { ...record(`${value}${i}`) }, // in the key
    ]);
    for (const file of ['big.csv', 'C:\\exports\\big.csv']) {
      const encoder = new RowEncoder('contact', { ...target, file });
      for (const r of records) encoder.add(r);
      const lines = text(encoder.take().text);
      const checked = lineEncoder(spec.columns, 'copy-text');
      const expected = records.map((r) => {
        const row = rowMaker(spec)(
          r,
          's',
          null,
          file,
          attributesText(r.attributes),
          r.warnings.length > 0 ? r.warnings.join('; ') : null,
        );
        row.row_hash = rowHash(spec, row);
        return checked(row);
      });
      expect(lines).toBe(expected.join(''));
      expect(lines.split('\n')).toHaveLength(records.length + 1);
    }
  });

  it('starts each batch empty', () => {
    const encoder = new RowEncoder('contact', target);
    expect(encoder.take()).toMatchObject({ count: 0 });
    expect(encoder.take().text.byteLength).toBe(0);
  });
});

describe('staging rows packed as values', () => {
  it('read back as SQLite would bind the rows, a statement at a time', () => {
    const spec = STAGING_TABLES.contact;
    const rows: StageRow[] = Array.from({ length: 450 }, (_, i) => {
      const row: StageRow = Object.fromEntries(spec.columns.map((c) => [c.name, null]));
      Object.assign(row, {
        source: 's',
        source_key: `k${i}`,
        line: i + 2,
        full_name: i === 100 ? 'Щ'.repeat(70_000) : `Иванов\tИван ${i}`,
        email: i % 3 === 0 ? null : `u${i}@mail.ru`,
        attributes: i % 2 === 0 ? null : '{"Сумма":"1 000,50"}',
        // Falsy values that are values, not NULL; and an object, bound as JSON text.
        middle_name: i % 5 === 0 ? '' : null,
        run_id: i % 4 === 0 ? 0 : i % 4 === 1 ? -0 : null,
        warnings: i % 7 === 0 ? ({ dropped: ['phone'] } as unknown as string) : null,
        row_hash: `h${i}`,
      });
      return row;
    });
    const packer = new ValuePacker(spec, new BufferPool(1024));
    for (const row of rows) packer.add(row);
    const packed = packer.take();
    const bound = filledColumns(spec, rows);
    expect(packed.bound).toEqual(bound);
    expect(bound).not.toContain('city'); // null in every row: not bound

    const batch = { table: spec.name, source: 's', runId: null, file: 'f', withWarnings: 0 };
    const reader = new ValueReader({ ...batch, count: 450, ...packed }, spec);
    const read: unknown[][] = [];
    for (let left = 450; left > 0; left -= 200) {
      const values: unknown[] = [];
      reader.read(values, Math.min(200, left));
      read.push(values);
    }
    // As SQLite's loadBatch binds them (engines/sqlite.ts bindable).
    const bindable = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
    const expected = rows.map((r) => bound.map((c) => bindable(r[c])));
    expect(expected.flat()).toContain('');
    expect(expected.flat()).toContain(0);
    expect(expected.flat()).toContain('{"dropped":["phone"]}');
    expect(read.flat()).toEqual(expected.flat());
    expect(read.map((v) => v.length)).toEqual([200, 200, 50].map((n) => n * bound.length));

    // Values that do not add up are refused, not read into the wrong columns.
    expect(() => new ValueReader({ ...batch, count: 451, ...packed }, spec)).toThrow(/values for 451 rows/);
    expect(() => new ValueReader({ ...batch, count: 450, ...packed, text: new Uint8Array(0) }, spec)).toThrow(
      /characters in 0 bytes/,
    );
    expect(() => new ValueReader({ ...batch, count: 450, ...packed }, STAGING_TABLES.order)).toThrow(
      /not stg_order's/,
    );

    // A fresh batch after take: nothing carried over, and only what it fills is bound.
    packer.add({ ...rows[0]!, email: null, full_name: null });
    expect(packer.take().bound).not.toContain('email');
  });
});

describe('attributesText', () => {
  // The row hash covers this text: it must be JSON.stringify's, byte for byte.
  it.each([
    [{ 'Сумма покупок': '25 155,76' }],
    [{ Комментарий: 'звонить "после" 18:00\\', 'Tab\tlabel': 'line\nbreak' }],
    [{ '2': 'integer-like labels come first', a: '\u0001', '1': 'x' }],
    [{ lone: '\ud800 surrogate', pair: '😀' }],
    [{ n: 5, u: undefined, o: { x: 1 } } as unknown as Record<string, string>],
  ])('is what JSON.stringify makes of %j', (attributes) => {
    expect(attributesText(attributes)).toBe(JSON.stringify(attributes));
  });

  it('is null when there are none', () => {
    expect(attributesText({})).toBeNull();
  });
});
