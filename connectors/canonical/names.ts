/**
 * Name parts and the full name, completed from each other the same way for every connector.
 */
import { isInertFormula, looksLikeFormula, splitFullName } from '../../transforms/normalize/index.js';
import type { FieldName } from './fields.js';

type Values = Partial<Record<FieldName, string | number>>;

/** Splits a full name into parts when only it is given; composes it when only parts are. */
export function completeNames(values: Values): void {
  const full = values.full_name;
  const hasParts =
    values.last_name !== undefined || values.first_name !== undefined || values.middle_name !== undefined;
  // A formula in the name column is kept as inert text, but it is not a name to split.
  if (typeof full === 'string' && !hasParts && !looksLikeFormula(full) && !isInertFormula(full)) {
    const parts = splitFullName(full);
    if (parts.last_name) values.last_name = parts.last_name;
    if (parts.first_name) values.first_name = parts.first_name;
    if (parts.middle_name) values.middle_name = parts.middle_name;
  } else if (full === undefined && hasParts) {
    const last = values.last_name as string | undefined;
    const first = values.first_name as string | undefined;
    const middle = values.middle_name as string | undefined;
    // Russian records read surname first; Latin names given name first.
    const cyrillic = /[\u0400-\u04ff]/.test(`${last ?? ''}${first ?? ''}${middle ?? ''}`);
    const order = cyrillic ? [last, first, middle] : [first, middle, last];
    values.full_name = order.filter((p) => p !== undefined).join(' ');
  }
}
