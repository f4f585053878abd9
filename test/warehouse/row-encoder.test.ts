import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/contract.js';
import { RowEncoder } from '../../warehouse/staging-row.js';

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
  bulkText: 'copy-text',
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

  it('starts each batch empty', () => {
    const encoder = new RowEncoder('contact', target);
    expect(encoder.take()).toMatchObject({ count: 0 });
    expect(encoder.take().text.byteLength).toBe(0);
  });
});
