/**
 * A row's key when the sheet has no key column: a hash of its content, so an unchanged row
 * re-imported gets the same key (and is counted as a duplicate, not a new record). Cells are
 * paired with their header and sorted, so re-ordered columns or added empty columns do not
 * change the key; whitespace and Unicode composition are normalized here (not by the shared
 * normalizers, whose improvements must not re-key old imports).
 */
import { createHash } from 'node:crypto';
import { cellText, type Cell } from './cells.js';
import type { ColumnPlan } from './columns.js';
import { headerKey } from './synonyms.js';

export const CONTENT_KEY_PREFIX = 'h:';

export function contentKey(columns: readonly ColumnPlan[], cells: readonly Cell[]): string {
  const pairs: string[] = [];
  for (const col of columns) {
    const cell = cells[col.index] ?? null;
    const text = cellText(cell).normalize('NFC').replace(/\s+/g, ' ').trim();
    if (text !== '') pairs.push(`${headerKey(col.label) || col.label}\u001f${text}`);
  }
  pairs.sort();
  return CONTENT_KEY_PREFIX + createHash('sha1').update(pairs.join('\u001e')).digest('hex');
}
