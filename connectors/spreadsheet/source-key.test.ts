import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../canonical/cells.js';
import type { ColumnPlan } from './columns.js';
import { contentKey } from './source-key.js';
import { headerKey } from './synonyms.js';

const columns: ColumnPlan[] = [
  { index: 0, header: 'ФИО', label: 'ФИО', field: 'full_name', how: 'synonym' },
  { index: 1, header: 'Телефон', label: 'Телефон', field: 'phone', how: 'synonym' },
  { index: 2, header: '', label: 'Column 3', field: null, how: 'unmapped' },
];

// The key as computed before the fast path: imported rows must keep their keys.
function reference(cells: Cell[]): string {
  const pairs: string[] = [];
  for (const col of columns) {
    const cell = cells[col.index];
    const text = String(cell ?? '')
      .normalize('NFC')
      .replace(/\s+/g, ' ')
      .trim();
    if (text !== '') pairs.push(`${headerKey(col.label) || col.label}\u001f${text}`);
  }
  pairs.sort();
  return 'h:' + createHash('sha1').update(pairs.join('\u001e')).digest('hex');
}

describe('contentKey fast path', () => {
  it.each([
    ['Иванов Иван', '8 (912) 345-67-89', 'x'],
    [' Иванов  Иван ', '8\u00a0912', ''],
    ['И\u0306ванов', '\t+7 912', 'a\u200bb'],
    ['Zoe\u0308', '', ' '],
    ['', '', ''],
  ])('%j keeps its old key', (...cells) => {
    expect(contentKey(columns, cells)).toBe(reference(cells));
  });
});
