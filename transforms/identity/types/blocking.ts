import type { GuardStat } from './public.js';

/** What a blocking key is made of: one attribute of a prepared record. */
export type Attr =
  | 'email'
  | 'phone'
  | 'tax_id'
  | 'personal_id'
  | 'given_name'
  | 'surname'
  | 'given_phonetic'
  | 'surname_phonetic'
  | 'given_initial'
  | 'given_family'
  | 'surname_family'
  | 'email_local'
  | 'phone_suffix'
  | 'surname_initial'
  | 'birth_year'
  | 'birth_date'
  | 'postcode'
  | 'city'
  | 'company';

export interface BlockingRule {
  name: string;
  parts: readonly Attr[];
  /** The first two parts in either order (swapped first/last names still meet). */
  unordered?: boolean;
  /**
   * A rule on names (and place) alone, whose blocks grow with the data: capped at
   * `maxNameBlockSize`, not `maxBlockSize` (see blockCap in blocking-rules.ts).
   */
  wide?: boolean;
}

/** Per deterministic field: 1 per value code usable as an identifier. */
export interface Guards {
  usable: Uint8Array[];
  /** Per deterministic field: why each value code is refused (block/deterministic.ts SHARED_REASONS), 0 if not. */
  reason: Uint8Array[];
  stats: GuardStat[];
}
