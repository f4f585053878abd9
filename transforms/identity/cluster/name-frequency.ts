import { F_FIRST, F_LAST, NAME, PHON_FIRST, PHON_LAST, ROW } from '../shared/fields.js';
import type { Prepared } from '../types/prepared.js';
import type { PairScorer } from '../train/scorer.js';
import { Attributes, BLOCKING_RULES, ruleKeys } from '../block/blocking-rules.js';
import type { Population, TrainedModel } from '../types/public.js';

/**
 * Term-frequency weight of a whole name, for links that rest on names (and place) alone.
 *
 * The scorer weighs given name and surname as two independent fields, each with its own term
 * frequency. Names are not independent, and namesakes are common: "Евгений Беловов" may be two
 * people in one city even though Беловов alone is rare. So a weak link is scored on the name as
 * one value — the given name's family (Саша = Александр) or phonetic key, with the surname's
 * phonetic key, in either order — whose u-probability is its frequency among the records being
 * resolved (the Fellegi–Sunter TF adjustment, as Splink does it: u of an exact value = the share
 * of records holding it). Nothing is read from a fixed list of common names, and the weight
 * falls as a name gets commoner in this data set: at a million records "Иванов Иван" never links
 * on names alone, a name seen twice may.
 */
/**
 * Names held by more records than one customer usually has are taken as held by several people:
 * their record frequency is used as it is (fourteen rows of "Ivan Ivanov, Kazan" and nothing else
 * are not one person). Up to this many, the records may all be one person's.
 */
const ONE_PERSON_RECORDS = 6;
/** At least this many records of "someone else" are assumed for any name (an unseen namesake). */
const MIN_FREQUENCY = 0.05;

export class NameFrequency {
  /** Per record: code of its whole-name key, or -1 (a name part missing). */
  private readonly key: Int32Array;
  /** Records per whole-name key. */
  private readonly count: number[] = [];
  /** Records with a whole name in the population (the TF denominator). */
  private readonly present: number;
  /** Population / records passed: 1 in a full run (see the constructor). */
  private readonly scale: number;
  /** log2 of m: a true match agrees on the name key (both parts phonetic-or-better). */
  private readonly logM: number;
  /** Records per name-part key (given or surname, either column), for the independence estimate. */
  private readonly partCount = new Map<string, number>();
  /** Per whole-name key: its two part keys. */
  private readonly parts: Array<[string, string]> = [];
  /** Per whole-name key: its two parts' stable keys (partHash), for the model's part counts. */
  private readonly partHashes: Array<[number, number]> = [];
  /** Records per stable part key over the records the model was trained on, and their total. */
  private readonly modelParts: { total: number; count: Map<number, number> } | null = null;
  /** Record positions per whole-name key (CSR): who else holds a name. */
  private start: Int32Array | null = null;
  private members: Int32Array | null = null;

  /** Per record: records of the whole population holding its `names` blocking key, or 0. */
  private readonly global: Int32Array | null = null;

  constructor(
    private readonly p: Prepared,
    private readonly scorer: PairScorer,
    population?: Population,
  ) {
    this.key = new Int32Array(p.n).fill(-1);
    const hashes = partHashesOf(p);
    const codes = new Map<string, number>();
    let present = 0;
    for (let i = 0; i < p.n; i++) {
      const a = this.partKey(i, F_FIRST);
      const b = this.partKey(i, F_LAST);
      if (a === null || b === null) continue;
      const k = a < b ? `${a}|${b}` : `${b}|${a}`;
      let code = codes.get(k);
      if (code === undefined) {
        code = this.count.length;
        codes.set(k, code);
        this.count.push(0);
      }
      this.key[i] = code;
      this.count[code]!++;
      this.parts[code] = [a, b];
      this.partHashes[code] = [hashes.first[i]!, hashes.last[i]!];
      this.partCount.set(a, (this.partCount.get(a) ?? 0) + 1);
      if (b !== a) this.partCount.set(b, (this.partCount.get(b) ?? 0) + 1);
      present++;
    }
    if (population) {
      // A run on a neighbourhood (the warehouse's incremental run) holds only some of the records
      // sharing a common name — its block is over the cap, so it was not read: the counts are the
      // warehouse's, by the record's `names` blocking key (the same family-or-phonetic name).
      const r = BLOCKING_RULES.findIndex((x) => x.name === 'names');
      const { keys, has } = ruleKeys(new Attributes(p, null), BLOCKING_RULES[r]!, p.n);
      this.global = new Int32Array(p.n);
      for (let i = 0; i < p.n; i++) if (has[i]) this.global[i] = population.blockSize(r, keys[i]!) ?? 0;
      this.present = Math.max(present, population.namesPresent);
      // Without the model's part counts (a model stored before them), the neighbourhood's,
      // scaled up as `present` is.
      this.scale = present === 0 ? 1 : this.present / present;
    } else {
      // Without population counts a part of the population is scaled up to the records the model
      // was trained on (a full run: exactly the records with a name).
      this.scale = p.n === 0 ? 1 : Math.max(1, scorer.model.recordCount / p.n);
      this.present = present * this.scale;
    }
    const known = scorer.model.nameParts;
    if (known && known.total > 0) this.modelParts = { total: known.total, count: new Map(known.values) };
    const agree = (f: number): number => {
      const levels = scorer.model.fields[f]!.levels;
      let m = 0;
      for (let l = 0; l <= NAME.phonetic; l++) m += levels[l]!.m;
      return Math.min(Math.max(m, 1e-6), 1);
    };
    this.logM = Math.log2(agree(F_FIRST) * agree(F_LAST));
  }

  /** Family id ("f…") or phonetic code ("p…") of one name column of record i; null if missing. */
  private partKey(i: number, f: number): string | null {
    const code = this.p.rows[i * ROW + f]!;
    if (code < 0) return null;
    const family = (f === F_FIRST ? this.p.familyFirst : this.p.familyLast)[code]!;
    if (family >= 0) return `f${family}`;
    const phon = this.p.rows[i * ROW + (f === F_FIRST ? PHON_FIRST : PHON_LAST)]!;
    return phon >= 0 ? `p${phon}` : `v${f}:${code}`;
  }

  /**
   * Evidence of a weak pair with the name weighed as one value: the scorer's evidence with the
   * two name fields' weights replaced by log2(m / u), u = the share of records holding the name.
   * Two names that differ by a typo share no key; then u is that of the commoner of the two, so
   * a misspelt (hence unique) "Ивонов" does not make a common name look rare. Null when either
   * record lacks a name part.
   */
  weakEvidence(
    a: number,
    b: number,
    holders?: (key: number) => number,
    /** Bit f set: leave field f's weight out (weak-calibration.ts). */
    exclude = 0,
  ): number | null {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    if (ka < 0 || kb < 0) return null;
    const g = this.global;
    let frequency = Math.max(this.count[ka]!, this.count[kb]!, g ? Math.max(g[a]!, g[b]!) : 0);
    if (holders && frequency <= ONE_PERSON_RECORDS) {
      // How many *other* people hold the name, rather than how many records: the records of the
      // two customers being joined are no evidence of a namesake. Other people = other anchored
      // customers with the name (holders), but never fewer than two names drawn independently
      // would give by chance (the parts' frequencies multiplied) — "Иван Иванов" stays common
      // even when the data set happens to hold one.
      const other = Math.max(holders(ka), ka === kb ? 0 : holders(kb));
      frequency = Math.max(other, this.expected(ka), this.expected(kb), MIN_FREQUENCY);
    }
    const fields = this.scorer.explain(a, b);
    let rest = 0;
    let names = 0;
    fields.forEach((w, f) => {
      if (f === F_FIRST || f === F_LAST) names += w.weight;
      else if ((exclude & (1 << f)) === 0) rest += w.weight;
    });
    // The whole name never weighs more than its two parts did: for a name shared by few records
    // the parts' own term frequencies may already be the smaller (stricter) figure.
    return rest + Math.min(names, this.logM - Math.log2(frequency / this.present));
  }

  /** Records expected to hold whole-name key k by chance: present × f(given) × f(surname). */
  private expected(k: number): number {
    const model = this.modelParts;
    if (model) {
      // The parts' shares in the population the model was trained on (the run's own records in
      // a full run): the records of a neighbourhood are read for sharing names with the changed
      // records, so their own part counts, scaled up, make those names look common.
      const [hx, hy] = this.partHashes[k]!;
      const share = (h: number): number => (h < 0 ? 1 : (model.count.get(h) ?? 1)) / model.total;
      return this.present * share(hx) * share(hy);
    }
    const [x, y] = this.parts[k]!;
    // Else the part counts of an incremental run's neighbourhood scaled up to the population, as
    // `present` is.
    const s = this.scale;
    return (this.partCount.get(x)! * s * this.partCount.get(y)! * s) / this.present;
  }

  /** Record positions holding whole-name key k (or the name of record i). */
  holdersOf(k: number): Int32Array {
    if (!this.start) {
      const start = new Int32Array(this.count.length + 1);
      for (let i = 0; i < this.p.n; i++) if (this.key[i]! >= 0) start[this.key[i]! + 1]!++;
      for (let c = 0; c < this.count.length; c++) start[c + 1]! += start[c]!;
      const fill = start.slice(0, this.count.length);
      const members = new Int32Array(start[this.count.length]!);
      for (let i = 0; i < this.p.n; i++) if (this.key[i]! >= 0) members[fill[this.key[i]!]!++] = i;
      this.start = start;
      this.members = members;
    }
    return this.members!.subarray(this.start[k]!, this.start[k + 1]!);
  }

  /** Records holding whole-name key k in this run (or the population, when its counts are known). */
  recordsWith(k: number, i: number): number {
    return Math.max(this.count[k]!, this.global ? this.global[i]! : 0);
  }

  keyOf(i: number): number {
    return this.key[i]!;
  }
}

/**
 * Per record, the stable key (32-bit, the same in every run) of each name part: the given name's
 * or surname's family or phonetic key, as the `names` blocking rule hashes it; -1 when the part
 * is missing or has neither (then partKey falls back to the run's own value code).
 */
function partHashesOf(p: Prepared): { first: Float64Array; last: Float64Array } {
  const attrs = new Attributes(p, null);
  const column = (name: 'given_family' | 'surname_family'): Float64Array => {
    const { value, has } = attrs.get(name);
    return Float64Array.from(value, (v, i) => (has[i] ? v : -1));
  };
  return { first: column('given_family'), last: column('surname_family') };
}

/**
 * The name parts of a run's records, by stable key, to keep in the model it trains
 * (TrainedModel.nameParts): counted as NameFrequency counts them, over the records with both
 * parts; parts held once are left out.
 */
export function namePartCounts(p: Prepared): NonNullable<TrainedModel['nameParts']> {
  const { first, last } = partHashesOf(p);
  const count = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.n; i++) {
    if (p.rows[i * ROW + F_FIRST]! < 0 || p.rows[i * ROW + F_LAST]! < 0) continue;
    total++;
    const a = first[i]!;
    const b = last[i]!;
    if (a >= 0) count.set(a, (count.get(a) ?? 0) + 1);
    if (b >= 0 && b !== a) count.set(b, (count.get(b) ?? 0) + 1);
  }
  return { total, values: [...count].filter(([, n]) => n >= 2) };
}
