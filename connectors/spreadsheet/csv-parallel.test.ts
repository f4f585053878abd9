import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../contract.js';
import { packItems, unpackItems } from './csv-parallel.js';
import type { BuildContext, SheetItem } from './record-builder.js';

const ctx = { file: 'big.csv', stream: 'contact' } as BuildContext;

function record(i: number, name: string): SheetItem {
  const r: SourceRecord = {
    stream: 'contact',
    sourceKey: `k${i}`,
    fields: { full_name: name, email: i % 3 === 0 ? null : `u${i}@mail.ru`, birth_date: '1980-02-01' },
    attributes: i % 2 === 0 ? {} : { 'Сумма покупок': `${i} 000,50`, '': '' },
    lineage: { file: 'big.csv', line: i + 2 },
    warnings: i % 5 === 0 ? [`phone "${i}" is too short: dropped`] : [],
  };
  return { kind: 'record', record: r };
}

describe('items packed for the trip between threads', () => {
  it('come back as they went, across text segments and with a string longer than a segment', () => {
    const items: SheetItem[] = [];
    for (let i = 0; i < 2_000; i++) items.push(record(i, `Иванов ${'Иван '.repeat(i % 40)}Петрович`));
    // One name longer than a whole segment, between ordinary rows; an empty one; a reject.
    items.splice(700, 0, record(5_000, 'Щ'.repeat(100_000)), record(5_001, ''));
    items.splice(1_500, 0, {
      kind: 'reject',
      reject: {
        stream: 'contact',
        reason: 'ragged row',
        raw: 'a;b;"c',
        lineage: { file: 'big.csv', line: 9 },
      },
    });
    const packed = packItems(items);
    // Bigger than one segment: the text is written and read in several.
    expect(packed.text.byteLength).toBeGreaterThan(4 * 64 * 1024);
    expect(unpackItems(packed, ctx)).toEqual(items);
  });
});
