import {
  F_CITY,
  F_COMPANY,
  F_DOB,
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
  MISSING,
  NAME,
  PHON_FIRST,
  PHON_LAST,
  ROW,
} from '../shared/fields.js';
import { jaroWinkler } from './jaro-winkler.js';
import { withinOneEdit } from './one-edit.js';
import { weakNameFamily } from '../prepare/nicknames.js';
import type { LevelLookup, Prepared, StringColumn } from '../types/prepared.js';

/**
 * The comparison vector of one pair: a level per field (see fields.ts), MISSING when either side
 * lacks the value. Runs tens of millions of times, so it allocates nothing, reads each record's
 * codes from one row (two cache lines per pair instead of thirty), and settles equal values by
 * code before any string work.
 *
 * Names are compared in the orientation that fits better, so "Ivanov Ivan" typed into the wrong
 * columns still agrees with "Ivan Ivanov"; the result says whether it swapped.
 */
export function compareInto(p: Prepared, i: number, j: number, out: Uint8Array, off: number): boolean {
  const R = p.rows;
  const a = i * ROW;
  const b = j * ROW;
  const c = p.cols;
  const swapped = compareNames(p, a, b, out, off);
  out[off + F_MIDDLE] = middleLevel(c[F_MIDDLE]!, p.cache.middle, R[a + F_MIDDLE]!, R[b + F_MIDDLE]!);
  out[off + F_DOB] = dateLevel(R[a + F_DOB]!, R[b + F_DOB]!);
  out[off + F_PID] = typoLevel(c[F_PID]!, R[a + F_PID]!, R[b + F_PID]!);
  out[off + F_EMAIL] = identifierLevel(
    p,
    F_EMAIL,
    emailLevel(c[F_EMAIL]!, R[a + F_EMAIL]!, R[b + F_EMAIL]!),
    R[a + F_EMAIL]!,
  );
  out[off + F_PHONE] = identifierLevel(
    p,
    F_PHONE,
    typoLevel(c[F_PHONE]!, R[a + F_PHONE]!, R[b + F_PHONE]!),
    R[a + F_PHONE]!,
  );
  out[off + F_TAX] = identifierLevel(p, F_TAX, exactLevel(R[a + F_TAX]!, R[b + F_TAX]!), R[a + F_TAX]!);
  out[off + F_COMPANY] = jwLevel(
    c[F_COMPANY]!,
    p.cache.company,
    R[a + F_COMPANY]!,
    R[b + F_COMPANY]!,
    0.92,
    2,
  );
  out[off + F_STREET] = jwLevel(c[F_STREET]!, p.cache.street, R[a + F_STREET]!, R[b + F_STREET]!, 0.92, 0.8);
  out[off + F_HOUSE] = exactLevel(R[a + F_HOUSE]!, R[b + F_HOUSE]!);
  out[off + F_CITY] = jwLevel(c[F_CITY]!, p.cache.city, R[a + F_CITY]!, R[b + F_CITY]!, 0.92, 0.8);
  out[off + F_POSTCODE] = typoLevel(c[F_POSTCODE]!, R[a + F_POSTCODE]!, R[b + F_POSTCODE]!);
  out[off + F_REGION] = exactLevel(R[a + F_REGION]!, R[b + F_REGION]!);
  return swapped;
}

/** `a`, `b`: row offsets of the two records. */
function compareNames(p: Prepared, a: number, b: number, out: Uint8Array, off: number): boolean {
  const R = p.rows;
  const first = p.cols[F_FIRST]!;
  const last = p.cols[F_LAST]!;
  const fi = R[a + F_FIRST]!;
  const fj = R[b + F_FIRST]!;
  const li = R[a + F_LAST]!;
  const lj = R[b + F_LAST]!;
  const pfi = R[a + PHON_FIRST]!;
  const pfj = R[b + PHON_FIRST]!;
  const pli = R[a + PHON_LAST]!;
  const plj = R[b + PHON_LAST]!;
  // A swap is only worth testing when all four names are present, neither pair agrees, and the
  // names agree crosswise by first letter (typos rarely hit it) or by name family: "Romanow
  // Slawa" in Russian order against "Вячеслав Романов" meets Слава = Вячеслав across.
  if (fi >= 0 && fj >= 0 && li >= 0 && lj >= 0 && fi !== fj && li !== lj) {
    const w = first.values[fi]!;
    const x = first.values[fj]!;
    const y = last.values[li]!;
    const z = last.values[lj]!;
    const across1 = w.charCodeAt(0) === z.charCodeAt(0) || sameFamily(p.familyFirst[fi]!, p.familyLast[lj]!);
    const across2 = y.charCodeAt(0) === x.charCodeAt(0) || sameFamily(p.familyLast[li]!, p.familyFirst[fj]!);
    if (across1 && across2) {
      const straight = jaroWinkler(w, x) + jaroWinkler(y, z);
      const cross = jaroWinkler(w, z) + jaroWinkler(y, x);
      if (cross > straight) {
        out[off + F_FIRST] = nameLevel(
          w,
          z,
          pfi,
          plj,
          sameFamily(p.familyFirst[fi]!, p.familyLast[lj]!),
          weakFamily(p.phonetic, pfi, plj),
        );
        out[off + F_LAST] = nameLevel(
          y,
          x,
          pli,
          pfj,
          sameFamily(p.familyLast[li]!, p.familyFirst[fj]!),
          weakFamily(p.phonetic, pli, pfj),
        );
        return true;
      }
    }
  }
  out[off + F_FIRST] =
    fi < 0 || fj < 0
      ? MISSING
      : cachedNameLevel(first, p.cache.first, p.familyFirst, p.phonetic, fi, fj, pfi, pfj);
  out[off + F_LAST] =
    li < 0 || lj < 0
      ? MISSING
      : cachedNameLevel(last, p.cache.last, p.familyLast, p.phonetic, li, lj, pli, plj);
  return false;
}

const sameFamily = (x: number, y: number): boolean => x >= 0 && x === y;

/** A shared familiar form against another name it is short for (nicknames.ts: Гоша / Игорь). */
const weakFamily = (phonetic: StringColumn, px: number, py: number): boolean =>
  px >= 0 && py >= 0 && px !== py && weakNameFamily(phonetic.values[px]!, phonetic.values[py]!);

function cachedNameLevel(
  col: StringColumn,
  cache: LevelLookup,
  family: Int32Array,
  phonetic: StringColumn,
  x: number,
  y: number,
  px: number,
  py: number,
): number {
  if (x === y) return NAME.exact;
  const hit = cache.get(x, y);
  if (hit >= 0) return hit;
  // Phonetic key and family are functions of the value, so the level is too: safe to cache by codes.
  const level = nameLevel(
    col.values[x]!,
    col.values[y]!,
    px,
    py,
    sameFamily(family[x]!, family[y]!),
    weakFamily(phonetic, px, py),
  );
  return cache.set(x, y, level);
}

/**
 * Name level; `pa`/`pb` are phonetic-key codes (-1 when none). `family`: the two are forms of
 * one name by the nickname table (Саша / Александр, Bill / William), which ranks with a
 * phonetic match — the level is labelled "phonetic" in models and explanations (stored models
 * keep their shape). `weak`: a familiar form shared by several names against one of the others
 * (Гоша / Игорь), which ranks with an initial that agrees: a little evidence, not a family's.
 */
export function nameLevel(
  a: string,
  b: string,
  pa: number,
  pb: number,
  family = false,
  weak = false,
): number {
  if (a === b) return NAME.exact;
  if (a.length === 1 || b.length === 1) return a.charCodeAt(0) === b.charCodeAt(0) ? NAME.initial : NAME.else;
  const jw = jaroWinkler(a, b);
  if (jw >= 0.94) return NAME.jw94;
  if (jw >= 0.88) return NAME.jw88;
  if ((pa >= 0 && pa === pb) || family) return NAME.phonetic;
  if (weak) return NAME.initial;
  return jw >= 0.7 ? NAME.jw70 : NAME.else;
}

/** Patronymic / middle name: exact, jw>=0.88, initial, else. */
function middleLevel(col: StringColumn, cache: LevelLookup, a: number, b: number): number {
  if (a < 0 || b < 0) return MISSING;
  if (a === b) return 0;
  const hit = cache.get(a, b);
  if (hit >= 0) return hit;
  const x = col.values[a]!;
  const y = col.values[b]!;
  if (x.length === 1 || y.length === 1) return cache.set(a, b, x.charCodeAt(0) === y.charCodeAt(0) ? 2 : 3);
  return cache.set(a, b, jaroWinkler(x, y) >= 0.88 ? 1 : 3);
}

/**
 * Dates as yyyymmdd numbers: exact, day and month swapped (US vs European order), one typo
 * (a single digit changed, or two adjacent digits swapped), else.
 *
 * A partial date (year only — the placeholder YYYY-01-01 included — or year and month; see
 * parseIsoDate) agrees with the date it fits as *missing*: sharing a year is no evidence of one
 * person, and two placeholders must never look like one birthday. It disagrees ("else") when the
 * year differs by more than a typo, or the months known on both sides differ (and are not the
 * day of a swapped date).
 */
export function dateLevel(a: number, b: number): number {
  if (a === 0 || b === 0) return MISSING;
  if (a % 100 === 0 || b % 100 === 0) return partialDateLevel(a, b);
  if (a === b) return 0;
  const ya = (a / 10000) | 0;
  const yb = (b / 10000) | 0;
  const ma = ((a / 100) | 0) % 100;
  const mb = ((b / 100) | 0) % 100;
  if (ya === yb && ma === b % 100 && a % 100 === mb) return 1;
  // Digit by digit from the right: positions that differ.
  let diff = 0;
  let first = -1;
  let x = a;
  let y = b;
  for (let k = 0; k < 8; k++) {
    if (x % 10 !== y % 10) {
      if (diff === 0) first = k;
      diff++;
    }
    x = (x / 10) | 0;
    y = (y / 10) | 0;
  }
  if (diff === 1) return 2;
  if (diff === 2 && isAdjacentSwap(a, b, first)) return 2;
  return 3;
}

function partialDateLevel(a: number, b: number): number {
  const ya = (a / 10000) | 0;
  const yb = (b / 10000) | 0;
  if (ya !== yb) return oneDigitApart(ya, yb) ? MISSING : 3;
  const ma = ((a / 100) | 0) % 100;
  const mb = ((b / 100) | 0) % 100;
  if (ma === 0 || mb === 0 || ma === mb) return MISSING;
  // Month against month: a full date's day may be the month of a day/month-swapped one.
  if ((a % 100 !== 0 && a % 100 === mb) || (b % 100 !== 0 && b % 100 === ma)) return MISSING;
  return 3;
}

/** Years that differ in one digit (1985 / 1958 swapped digits count too). */
function oneDigitApart(x: number, y: number): boolean {
  let diff = 0;
  let first = -1;
  for (let k = 0, a = x, b = y; k < 4; k++, a = (a / 10) | 0, b = (b / 10) | 0) {
    if (a % 10 !== b % 10) {
      if (diff === 0) first = k;
      diff++;
    }
  }
  return diff === 1 || (diff === 2 && isAdjacentSwap(x, y, first));
}

function isAdjacentSwap(a: number, b: number, k: number): boolean {
  const p = 10 ** k;
  const a0 = ((a / p) | 0) % 10;
  const a1 = ((a / (p * 10)) | 0) % 10;
  const b0 = ((b / p) | 0) % 10;
  const b1 = ((b / (p * 10)) | 0) % 10;
  return a0 === b1 && a1 === b0;
}

/**
 * Agreeing on a value the guard found shared (a switchboard, an employer's INN, info@) says
 * nothing about being the same person — colleagues agree on it too — so it counts as missing.
 */
function identifierLevel(p: Prepared, field: number, level: number, code: number): number {
  if (level !== 0) return level;
  const shared = p.sharedValues[field];
  return shared !== undefined && shared[code] === 1 ? MISSING : level;
}

/** Codes and identifiers: exact, one typo, else. */
function typoLevel(col: StringColumn, a: number, b: number): number {
  if (a < 0 || b < 0) return MISSING;
  if (a === b) return 0;
  return withinOneEdit(col.values[a]!, col.values[b]!) ? 1 : 2;
}

/**
 * E-mail: exact, one typo, else — but addresses whose digits differ are different mailboxes,
 * not a typo: ivanov1@ and ivanov2@, petrov85@ and petrov86@ are how namesakes get addresses.
 */
function emailLevel(col: StringColumn, a: number, b: number): number {
  const level = typoLevel(col, a, b);
  if (level !== 1) return level;
  return digitsOf(col.values[a]!) === digitsOf(col.values[b]!) ? 1 : 2;
}

const NON_DIGITS = /\D+/g;
const digitsOf = (s: string): string => s.replace(NON_DIGITS, '');

function exactLevel(a: number, b: number): number {
  if (a < 0 || b < 0) return MISSING;
  return a === b ? 0 : 1;
}

/**
 * exact, jw >= hi, jw >= lo, else. A field with a single fuzzy band passes lo > 1 and has
 * levels exact, jw>=hi, else.
 */
function jwLevel(
  col: StringColumn,
  cache: LevelLookup,
  a: number,
  b: number,
  hi: number,
  lo: number,
): number {
  if (a < 0 || b < 0) return MISSING;
  if (a === b) return 0;
  const hit = cache.get(a, b);
  if (hit >= 0) return hit;
  const jw = jaroWinkler(col.values[a]!, col.values[b]!);
  let level = 3;
  if (jw >= hi) level = 1;
  else if (lo > 1)
    level = 2; // single band: 2 is "else"
  else if (jw >= lo) level = 2;
  return cache.set(a, b, level);
}
