import {
  F_CITY,
  F_COMPANY,
  F_EMAIL,
  F_FIRST,
  F_HOUSE,
  F_LAST,
  F_MIDDLE,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_REGION,
  F_STREET,
  F_TAX,
  PHON_FIRST,
  PHON_LAST,
  ROW,
} from '../shared/fields.js';
import type { MatchKeys } from '../types/match-keys.js';
import type { Prepared } from '../types/prepared.js';
import { valueAt } from './string-column.js';

/**
 * Version of `MatchKeys`: keys of another version are ignored and recomputed from the raw fields.
 * 2: city keys read exonyms and abbreviations as the city (places.ts).
 * 3: names read from German, French and ISO 9 spellings; phonetic keys merge ж/ш and з/с.
 * 4: in a word marked German, a c English reads as k (Jessica, Jacob) is no longer read as ц.
 */
export const MATCH_KEYS_VERSION = 4;

export function matchKeysAt(p: Prepared, pos: number): MatchKeys {
  const v = (f: number): string | null => valueAt(p.cols[f]!, pos);
  const phon = (slot: number): string | null => {
    const c = p.rows[pos * ROW + slot]!;
    return c < 0 ? null : p.phonetic.values[c]!;
  };
  return {
    version: MATCH_KEYS_VERSION,
    first_name: v(F_FIRST),
    last_name: v(F_LAST),
    middle_name: v(F_MIDDLE),
    first_phonetic: phon(PHON_FIRST),
    last_phonetic: phon(PHON_LAST),
    email: v(F_EMAIL),
    phone: v(F_PHONE),
    tax_id: v(F_TAX),
    personal_id: v(F_PID),
    company: v(F_COMPANY),
    street: v(F_STREET),
    house: v(F_HOUSE),
    city: v(F_CITY),
    postcode: v(F_POSTCODE),
    region: v(F_REGION),
  };
}
