/**
 * The comparison fields of the Fellegi–Sunter model and their levels, best first.
 *
 * Levels are what EM learns an m and a u probability for, so they are chosen to be few and
 * meaningful rather than fine: Jaro–Winkler bands for names, "one typo" for codes and dates,
 * exact only for values where a near miss means nothing (house number, region, tax id).
 * `tf` marks fields whose exact level is term-frequency adjusted: agreeing on a rare surname
 * is stronger evidence than agreeing on a common one.
 *
 * The order of FIELDS is the column order of the level matrix; compare.ts writes levels by these
 * indices (F_* constants), so the two files change together.
 */

export interface FieldSpec {
  name: string;
  levels: readonly string[];
  tf: boolean;
}

const NAME_LEVELS = ['exact', 'jw>=0.94', 'jw>=0.88', 'phonetic', 'initial', 'jw>=0.70', 'else'] as const;

export const FIELDS: readonly FieldSpec[] = Object.freeze([
  { name: 'first_name', levels: NAME_LEVELS, tf: true },
  { name: 'last_name', levels: NAME_LEVELS, tf: true },
  { name: 'middle_name', levels: ['exact', 'jw>=0.88', 'initial', 'else'], tf: true },
  { name: 'birth_date', levels: ['exact', 'day_month_swapped', 'one_typo', 'else'], tf: false },
  { name: 'personal_id', levels: ['exact', 'one_typo', 'else'], tf: false },
  { name: 'email', levels: ['exact', 'one_typo', 'else'], tf: false },
  { name: 'phone', levels: ['exact', 'one_typo', 'else'], tf: false },
  { name: 'tax_id', levels: ['exact', 'else'], tf: false },
  { name: 'company', levels: ['exact', 'jw>=0.92', 'else'], tf: true },
  { name: 'street', levels: ['exact', 'jw>=0.92', 'jw>=0.80', 'else'], tf: true },
  { name: 'house', levels: ['exact', 'else'], tf: false },
  { name: 'city', levels: ['exact', 'jw>=0.92', 'jw>=0.80', 'else'], tf: true },
  { name: 'postcode', levels: ['exact', 'one_typo', 'else'], tf: true },
  { name: 'region', levels: ['exact', 'else'], tf: false },
]);

export const F_FIRST = 0;
export const F_LAST = 1;
export const F_MIDDLE = 2;
export const F_DOB = 3;
export const F_PID = 4;
export const F_EMAIL = 5;
export const F_PHONE = 6;
export const F_TAX = 7;
export const F_COMPANY = 8;
export const F_STREET = 9;
export const F_HOUSE = 10;
export const F_CITY = 11;
export const F_POSTCODE = 12;
export const F_REGION = 13;

export const FIELD_COUNT = FIELDS.length;

/**
 * Row layout of Prepared.rows: slot f = code of field f (birth_date: the date itself), then the
 * phonetic codes of given name and surname.
 */
export const ROW = 16;
export const PHON_FIRST = 14;
export const PHON_LAST = 15;
if (FIELD_COUNT > PHON_FIRST) throw new Error('more comparison fields than row slots: widen ROW');

/** Name levels by index, shared by first and last name. */
export const NAME = { exact: 0, jw94: 1, jw88: 2, phonetic: 3, initial: 4, jw70: 5, else: 6 } as const;

/** The comparison level of a pair where either side lacks the value: neutral evidence. */
export const MISSING = 255;
