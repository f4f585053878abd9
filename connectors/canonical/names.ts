/**
 * Name parts and the full name, completed from each other the same way for every connector.
 */
import {
  companyInName,
  isInertFormula,
  looksLikeFormula,
  normalizePersonName,
  splitFullName,
} from '../../transforms/normalize/index.js';
import type { FieldName } from './fields.js';

type Values = Partial<Record<FieldName, string | number>>;

/**
 * Splits a full name into parts when only it is given; composes it when only parts are. A company
 * in the name column ("ООО «Ромашка»", "Romashka LLC") is not a person named Ооо: it goes to
 * `company` when that is empty, and is never split into name parts; a sole trader ("ИП Иванов
 * Иван") is both, the company and the person.
 */
export function completeNames(values: Values): void {
  if (takeCompanyFromName(values) === 'unsplit') return;
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

/** Moves a company out of the name columns; 'unsplit' when the name column keeps it as text. */
function takeCompanyFromName(values: Values): 'moved' | 'unsplit' | null {
  const parts = [values.last_name, values.first_name, values.middle_name];
  const hasParts = parts.some((p) => p !== undefined);
  const written =
    typeof values.full_name === 'string'
      ? values.full_name
      : hasParts
        ? parts.filter((p) => p !== undefined).join(' ')
        : undefined;
  if (written === undefined || looksLikeFormula(written) || isInertFormula(written)) return null;
  const found = companyInName(written);
  if (!found) return null;
  const company = typeof values.company === 'string' && values.company !== '' ? values.company : null;
  // Another company already in its column: the name column keeps its text (nothing is lost),
  // unsplit, and golden records do not take it for a person's name.
  if (company !== null && found.person === null) {
    values.full_name = written;
    delete values.last_name;
    delete values.first_name;
    delete values.middle_name;
    return 'unsplit';
  }
  if (company === null) values.company = found.company;
  delete values.last_name;
  delete values.first_name;
  delete values.middle_name;
  if (found.person) values.full_name = normalizePersonName(found.person);
  else delete values.full_name;
  return 'moved';
}
