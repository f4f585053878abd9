/**
 * The shape of prepared records, which every stage after prepare/ reads. Type-only: prepare/
 * builds them, and the stages take the shape from here rather than from prepare.ts.
 */

/**
 * One normalized field of all records, stored column-wise with interned values.
 *
 * Equality becomes an integer comparison (`codes[i] === codes[j]`), each distinct value is kept
 * once, `counts` gives the term frequencies of the Fellegi–Sunter TF adjustment, and
 * `valueHash` is a hash of the value text that stays the same across runs (blocking keys built
 * from it can be stored by the warehouse). A missing value is code -1.
 */
export interface StringColumn {
  readonly codes: Int32Array;
  readonly values: readonly string[];
  readonly counts: Int32Array;
  readonly valueHash: Uint32Array;
  /** Records with a value: the denominator of term frequencies. */
  readonly present: number;
}

/** A comparison-level cache by pair of value codes (prepare/level-cache.ts). */
export interface LevelLookup {
  /** Cached level of the unordered pair (a, b), or -1. */
  get(a: number, b: number): number;
  /** Stores and returns `level`. */
  set(a: number, b: number, level: number): number;
}

/**
 * Records turned into match keys, column-wise: what every later step (blocking, comparison,
 * EM, clustering) reads. Positions 0..n-1 follow the input order; `ids` maps them back.
 * Names, cities and streets are folded and transliterated to Latin so "Иванов" and "Ivanov" meet.
 */
export interface Prepared {
  n: number;
  ids: Float64Array;
  /** One column per FIELDS index; the birth_date column stays empty (see `dob`). */
  cols: StringColumn[];
  /**
   * yyyymmdd as a number, 0 when missing; partial dates have zeros where unknown: yyyymm00
   * (day 00) or yyyy0000 (year only, including placeholders YYYY-01-01). See parseIsoDate.
   */
  dob: Int32Array;
  /**
   * The same codes row-major, ROW per record: slot f = code of field f (birth_date: the date),
   * PHON_FIRST / PHON_LAST = phonetic codes. What pair comparison reads.
   */
  rows: Int32Array;
  /** phoneticKey of first and last name, codes in one shared table so swapped names meet. */
  phonFirst: Int32Array;
  phonLast: Int32Array;
  phonetic: StringColumn;
  /**
   * Name family (prepare/nicknames.ts: Саша ~ Александр, Bill ~ William) per value code of the
   * given-name and surname columns; -1 for names in no family.
   */
  familyFirst: Int32Array;
  familyLast: Int32Array;
  /** Per email code: 1 for a role address (info@, sales@…), never an identifier. */
  roleEmail: Uint8Array;
  /**
   * Per identifier field (email, phone, tax id): 1 per value code refused as an identifier —
   * filled in by the resolver once the shared-value guard has run.
   */
  sharedValues: Array<Uint8Array | undefined>;
  /** Comparison levels of value pairs already compared, per fuzzy field (see compare.ts). */
  cache: Record<'first' | 'last' | 'middle' | 'street' | 'city' | 'company', LevelLookup>;
}
