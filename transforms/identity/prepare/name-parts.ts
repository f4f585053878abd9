import { splitFullName } from '../../normalize/index.js';
import type { ResolveInput } from '../types/public.js';

/** First/last/middle from the split fields, or from full_name when the split is missing. */
export function nameParts(r: ResolveInput): {
  first: string | null;
  last: string | null;
  middle: string | null;
} {
  let first = r.first_name?.trim() || null;
  let last = r.last_name?.trim() || null;
  let middle = r.middle_name?.trim() || null;
  if (!first && !last && r.full_name) {
    const p = splitFullName(r.full_name);
    first = p.first_name;
    last = p.last_name;
    middle = middle ?? p.middle_name;
  } else if (first && !last && !middle && first.includes(' ')) {
    // The whole name typed into the first-name column.
    const p = splitFullName(first);
    first = p.first_name;
    last = p.last_name;
    middle = p.middle_name;
  }
  return { first, last, middle };
}
