/**
 * A row's key when the sheet has no key column: a hash of its content, so an unchanged row
 * re-imported gets the same key (and is counted as a duplicate, not a new record). Cells are
 * paired with their header and sorted, so re-ordered columns or added empty columns do not
 * change the key; whitespace and Unicode composition are normalized here (not by the shared
 * normalizers, whose improvements must not re-key old imports).
 */
import { hash } from 'node:crypto';
import { cellText, type Cell } from '../canonical/cells.js';
import type { ColumnPlan } from './columns.js';
import { memoize } from '../../transforms/normalize/memo.js';
import { headerKey } from './synonyms.js';

export const CONTENT_KEY_PREFIX = 'h:';

// Printable ASCII/Cyrillic (minus its combining marks) with single inner spaces is unchanged by
// the NFC + whitespace step below, which most cells are; one scan is cheaper than three passes.
const NEEDS_CLEANING = /[^ -~\u0400-\u0482\u048a-\u04ff]|^ | $| {2}/;

// A sheet has a handful of labels; their keys are computed once, not once per cell.
const labelKey = memoize((label: string) => headerKey(label) || label);

export function contentKey(columns: readonly ColumnPlan[], cells: readonly Cell[]): string {
  const pairs: string[] = [];
  for (const col of columns) {
    const cell = cells[col.index] ?? null;
    const raw = cellText(cell);
    const text = NEEDS_CLEANING.test(raw) ? raw.normalize('NFC').replace(/\s+/g, ' ').trim() : raw;
    if (text !== '') pairs.push(`${labelKey(col.label)}\u001f${text}`);
  }
  pairs.sort();
  return CONTENT_KEY_PREFIX + hash('sha1', pairs.join('\u001e'), 'hex');
}
