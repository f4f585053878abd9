import { compareInto } from '../compare/compare.js';
import { F_CITY, F_DOB, F_FIRST, F_MIDDLE, FIELDS, MISSING, NAME } from '../shared/fields.js';
import type { Prepared } from '../types/prepared.js';
import type { TrainedModel } from '../types/public.js';

/** What in two holders of one value says they are two people (DISAGREE bits). */
export const DISAGREE = { givenName: 1, birthDate: 2, patronymicAndCity: 4 } as const;

/**
 * A name held by this share of the records that have one (and by 3 at least) is a name of its
 * own in this run, not a typo or an odd transliteration of another (see below).
 */
const COMMON_NAME_SHARE = 0.001;

/** Per value code of a name column: whether the name is common (see commonNames). */
export type Common = (code: number) => boolean;

/**
 * Which names of column `f` are common: counted over the records of the run, or — given the
 * term frequencies of the model of the last full run — over the whole population, so that an
 * incremental run that reads a neighbourhood judges a name as a run over every record does.
 */
export function commonNames(
  p: Prepared,
  f: number,
  population: TrainedModel['termFrequencies'] | null,
): Common {
  const col = p.cols[f]!;
  const table = population?.[FIELDS[f]!.name];
  if (!table || table.total === 0) {
    const least = Math.max(3, Math.ceil(col.present * COMMON_NAME_SHARE));
    return (code) => col.counts[code]! >= least;
  }
  const counts = new Map(table.values);
  const least = Math.max(3, Math.ceil(table.total * COMMON_NAME_SHARE));
  return (code) => (counts.get(col.values[code]!) ?? 1) >= least;
}

const DOB_ELSE = FIELDS[F_DOB]!.levels.length - 1;
const MIDDLE_ELSE = FIELDS[F_MIDDLE]!.levels.length - 1;
const CITY_ELSE = FIELDS[F_CITY]!.levels.length - 1;
/** Pairs compared per value at most (a value held by ~45 records or more is judged on a part). */
const MAX_PAIRS_PER_VALUE = 1_000;

/**
 * Whether the records holding one identifier value disagree on who they are: they carry more
 * than one given name, or some two of them have real birth dates that differ, or both
 * patronymics and cities that differ.
 * One person writes their mailbox on every record under their own name; a family mailbox, a
 * firm's address, or an initial + surname address that two namesakes both typed carries two.
 * Missing values never disagree.
 *
 * Given names are one name when they chain through names that are: equal, a typo, a nickname,
 * transliterated, in either column order (the comparison levels say so) — "Sasha" and
 * "Алесандр" both meet "Александр". Only *known* names can be a second name: one in the
 * nickname table or common in the run (COMMON_NAME_SHARE) — "Лзиа" or "JAES" on one record is
 * a slip of the keyboard, "Nadeschda" on a few an old German transliteration the comparison
 * cannot read, not another person. A bare initial fits any name. Patronymics likewise: both
 * must be common for a difference to count.
 *
 * A differing city alone is not disagreement, nor a differing patronymic alone: people move,
 * and a CRM keeps the old city on old records; "Wiktorowna" is Викторовна in a transliteration
 * the comparison cannot read. Nor are other phones or e-mails: people have several.
 *
 * Returns DISAGREE bits (0: the holders may be one person).
 */
export function holdersDisagree(
  p: Prepared,
  holders: readonly number[],
  common: { first: Common; middle: Common },
  scratch: Uint8Array,
): number {
  const first = p.cols[F_FIRST]!;
  const named = holders.map((i) => {
    const c = first.codes[i]!;
    return c >= 0 && first.values[c]!.length > 1;
  });
  const known = holders.map((i, x) => {
    const c = first.codes[i]!;
    return named[x]! && (p.familyFirst[c]! >= 0 || common.first(c));
  });
  const middle = p.cols[F_MIDDLE]!;
  // Union-find over holder indices: given names that are one name.
  const root = holders.map((_, x) => x);
  const find = (x: number): number => {
    while (root[x] !== x) x = root[x] = root[root[x]!]!;
    return x;
  };
  let bits = 0;
  let pairs = 0;
  for (let x = 0; x < holders.length && pairs < MAX_PAIRS_PER_VALUE; x++) {
    for (let y = x + 1; y < holders.length && pairs < MAX_PAIRS_PER_VALUE; y++, pairs++) {
      compareInto(p, Math.min(holders[x]!, holders[y]!), Math.max(holders[x]!, holders[y]!), scratch, 0);
      if (scratch[F_DOB] === DOB_ELSE) bits |= DISAGREE.birthDate;
      // A moved customer's old city, or a patronymic in a transliteration the comparison cannot
      // read, is one difference a person's own records show; two people differ on both.
      const otherPatronymic =
        scratch[F_MIDDLE] === MIDDLE_ELSE &&
        common.middle(middle.codes[holders[x]!]!) &&
        common.middle(middle.codes[holders[y]!]!);
      if (otherPatronymic && scratch[F_CITY] === CITY_ELSE) bits |= DISAGREE.patronymicAndCity;
      const level = scratch[F_FIRST]!;
      // jw ≥ 0.70 without a nickname, phonetic or initial match is another name (Алексей /
      // Александр), not a typo of it: typos stay at jw ≥ 0.88.
      if (named[x] && named[y] && level !== MISSING && level < NAME.jw70) root[find(x)] = find(y);
    }
  }
  const names = new Set<number>();
  for (let x = 0; x < holders.length; x++) if (known[x]) names.add(find(x));
  if (names.size > 1) bits |= DISAGREE.givenName;
  return bits;
}
