import type { BlockKeys } from './block-keys.js';
import type { MatchKeys } from './match-keys.js';

/**
 * Public types of identity resolution. Engine-independent: the warehouse layer maps stg_contact
 * rows to `ResolveInput`, and writes `ResolveResult` back to dim_customer / customer_crosswalk.
 */

/** One source record of a person or organization (a row of stg_contact). */
export interface ResolveInput {
  /** Stable numeric id of the staged record (unique within one call). */
  id: number;
  source: string;
  sourceKey: string;
  first_name?: string | null;
  last_name?: string | null;
  middle_name?: string | null;
  full_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  tax_id?: string | null;
  personal_id?: string | null;
  /** ISO `YYYY-MM-DD`. */
  birth_date?: string | null;
  street?: string | null;
  house?: string | null;
  city?: string | null;
  postcode?: string | null;
  region?: string | null;
  /**
   * Match keys stored from an earlier run (`ResolveResult.matchKeys`): when present and of the
   * current version, the raw name/contact/address fields are not normalized again.
   */
  match_keys?: MatchKeys | null;
}

/** Why a record belongs to its customer: the edge that brought it into its cluster. */
export type MatchRule =
  | 'email' // same email match key, value not shared by several people
  | 'phone' // same E.164 phone, same guard
  | 'tax_id' // same valid tax id (INN), same guard
  | 'fs' // Fellegi–Sunter score above the threshold
  | 'must_link' // manual override
  | 'existing' // incremental run: kept in its existing customer, not re-compared
  | 'none'; // a customer of its own

/** One field's contribution to a pair's score, for `crm-etl explain`. */
export interface ComparisonWeight {
  field: string;
  /**
   * Comparison level, e.g. `exact`, `jw>=0.92`, `one_typo`, `else`, `missing`; `shared` for an
   * e-mail, phone or tax id both hold that the run found shared by several people (no evidence).
   */
  level: string;
  /** log2 Bayes factor (0 when missing: absent data is neutral). */
  weight: number;
}

export interface RecordLink {
  customerId: number;
  rule: MatchRule;
  /** Match probability of the deciding pair; 1 for deterministic rules and must-links; 0 for none. */
  score: number;
  /** Fellegi–Sunter match weight (log2 odds incl. prior) of the deciding pair; null when none. */
  weight: number | null;
  /** The record id on the other side of the deciding pair, or null. */
  matchedWith: number | null;
  /**
   * The deciding pair rests on names alone: `score` and `weight` are the whole name's evidence
   * capped by the run's namesake ceiling, so they are not the sum of `comparisons`' weights.
   */
  namesOnly: boolean;
  /** Per-field weights of the deciding pair, computed on first access (cheap to hold 1M links). */
  readonly comparisons: ComparisonWeight[];
  /**
   * The record's e-mail, phone or tax id when the run refused it as an identifier (several people
   * hold it): it linked nothing by rule and counted as no evidence — why its holders stayed apart.
   */
  readonly sharedIdentifiers: SharedIdentifier[];
}

export interface SharedIdentifier {
  field: 'email' | 'phone' | 'tax_id';
  /** Records of this run holding the value (an incremental run sees only its neighbourhood). */
  holders: number;
  /** Why it is no identifier, e.g. "held by records that disagree on who they are". */
  reason: string;
}

export interface Overrides {
  /** Pairs of record ids that must end up in the same customer. */
  mustLink?: ReadonlyArray<readonly [number, number]>;
  /** Pairs of record ids that must never share a customer; wins over must-link and rules. */
  cannotLink?: ReadonlyArray<readonly [number, number]>;
}

export interface ResolveConfig {
  /** Blocks larger than this are skipped (and counted); keeps the pair count near-linear. */
  maxBlockSize: number;
  /**
   * The cap of the rules on names and place alone (BlockingRule.wide). A block of one name grows
   * with the data — "Иванов Иван" is 80 records at a million — and pairing all of them is
   * quadratic work for pairs that names cannot decide: each record meets at most this many
   * others per such rule, and a name over the cap meets its namesakes only through a narrower
   * rule (the name with the city).
   */
  maxNameBlockSize: number;
  /** Shared-value guard: an email/phone/tax id used by more distinct names is not an identifier. */
  maxNamesPerSharedValue: number;
  /** Link when the match probability of a pair (and the cluster average) reaches this. */
  matchProbability: number;
  /**
   * A link that rests on names (and place) alone — no identifier, birth date, postcode or
   * patronymic agrees — must reach this probability instead (never less than matchProbability),
   * with the whole name weighed by how many *other* customers hold it. Namesakes look exactly
   * like such pairs, so this is the precision/recall knob of CRM data: lower links more rows that
   * carry only a name, at the price of joining namesakes. Compared with the probability before
   * the namesake ceiling (TrainedModel.namesOnlyCeiling), which only lowers the score shown.
   */
  nameOnlyMatchProbability: number;
  /**
   * Evidence (sum of field weights, no prior) at or below which two records are "clearly
   * different": such a pair vetoes any merge of their clusters and any deterministic link.
   */
  vetoWeight: number;
  /** Maximum EM iterations (it usually converges far earlier). */
  emIterations: number;
  /** Random record pairs sampled to estimate u probabilities. */
  randomPairs: number;
  /** Seed of the random pair sample, so runs are reproducible. */
  seed: number;
}

export interface ResolveOptions {
  /** Assignments of a previous run: record id -> customer id. Surviving ids are kept. */
  existing?: ReadonlyMap<number, number>;
  overrides?: Overrides;
  /**
   * Incremental mode: only these records are compared (against everything via blocking); the
   * other records keep their `existing` clusters. Requires `existing`; `model` is recommended.
   */
  changedIds?: ReadonlySet<number>;
  /** First id for new customers; default max(existing) + 1, or 1. */
  nextCustomerId?: number;
  /** A model trained by an earlier run; skips EM (always pass one in incremental mode). */
  model?: TrainedModel;
  /** Return every record's blocking keys (`ResolveResult.blockKeys`) for the warehouse to store. */
  returnBlockKeys?: boolean;
  /** Country for phone numbers without a country code (default RU). */
  defaultRegion?: string;
  /**
   * Counts over the whole population when `records` is only part of it (the warehouse's
   * incremental run passes the changed records' neighbourhood): block sizes decide which blocks
   * are over `maxBlockSize` and which identifiers too many records share, and the whole-name term
   * frequency is taken over everyone, so a run on a neighbourhood decides as one on all records.
   */
  population?: Population;
  config?: Partial<ResolveConfig>;
  /**
   * Progress, for a caller that shows it: each phase as it ends (its milliseconds and what it
   * counted: records, pairs, links), and within the long ones `done` of `total` now and then.
   * Called synchronously: the phases run on this thread, so a display must draw when called.
   */
  onProgress?: (event: PhaseProgress) => void;
}

/** Counts of the whole population, looked up by blocking key (see ResolveOptions.population). */
export interface Population {
  /** Records holding key `key` of BLOCKING_RULES[rule], or undefined when not known. */
  blockSize(rule: number, key: number): number | undefined;
  /** Records holding a key of the `names` rule (the denominator of the whole-name frequency). */
  namesPresent: number;
}

export interface PhaseProgress {
  /** prepare | blocking | compare | train | score | cluster | ids */
  phase: string;
  /** true when the phase has just ended (`ms` set), false for a tick within it. */
  ended: boolean;
  ms?: number;
  done: number;
  total: number | null;
}

/** m/u probabilities of one comparison level. */
export interface LevelParams {
  label: string;
  m: number;
  u: number;
}

/** The learned Fellegi–Sunter model; plain JSON so the warehouse can persist it. */
export interface TrainedModel {
  version: 1;
  /** Prior: probability that two records drawn at random are the same customer. */
  probabilityTwoRandomRecordsMatch: number;
  /** Records the model was trained on (the prior refers to this population). */
  recordCount: number;
  fields: Array<{ name: string; levels: LevelParams[] }>;
  /** Term frequencies per field: values seen at least twice, [value, count]; `total` = records with a value. */
  termFrequencies: Record<string, { total: number; values: Array<[string, number]> }>;
  /**
   * Identifier values found shared by several people (switchboard phones, company INNs), as
   * value hashes: later incremental runs see too few records to notice, so they inherit this.
   */
  sharedValues: { email: number[]; phone: number[]; tax_id: number[] };
  /** EM diagnostics. */
  em: { iterations: number; converged: boolean; candidateMatchShare: number };
  /**
   * Correction (log2 odds, ≤ 0) to the evidence of names-only links, learned from the records
   * that carry an e-mail or phone (cluster/weak-calibration.ts). Absent in models stored before
   * it existed: a run given such a model learns it from its own records.
   */
  namesOnlyCorrection?: number;
  /**
   * Share of names-only links that are one person at most, however rare the name (namesakes the
   * name frequencies cannot see), learned with namesOnlyCorrection: the score shown for such a
   * link is this times its probability. Absent in older models: 1.
   */
  namesOnlyCeiling?: number;
  /**
   * Name parts (a given name or surname by its family or phonetic key, as the `names` blocking
   * rule keys them) over the records the model was trained on: [key, records] for parts held by
   * two records or more (a part not listed: one), `total` = records with both parts
   * (cluster/name-frequency.ts). A run on a neighbourhood holds the names of its changed records
   * far more often than the population does, so it judges how likely a name is by chance from
   * these. Absent in models stored before it existed: a run then counts its own records.
   */
  nameParts?: { total: number; values: Array<[number, number]> };
}

export interface BlockingStat {
  rule: string;
  /** Pairs this rule produced that no earlier rule had (each pair is compared once). */
  pairs: number;
  blocks: number;
  /** Blocks above `maxBlockSize`, not expanded, and the records in them. */
  skippedBlocks: number;
  skippedRecords: number;
}

export interface GuardStat {
  rule: 'email' | 'phone' | 'tax_id';
  /** Distinct values refused as identifiers (role addresses, values shared by several people). */
  sharedValues: number;
  /** Deterministic links made / refused because the two records were clearly different. */
  links: number;
  vetoed: number;
}

export interface Merge {
  survivingId: number;
  absorbedId: number;
}

export interface ResolveResult {
  /** record id -> customer id, for every input record. */
  assignment: Map<number, number>;
  /** Per-record explanation; a read-only map built on demand (see link-table.ts). */
  links: ReadonlyMap<number, RecordLink>;
  /** Existing customers that disappeared into another one. */
  merges: Merge[];
  /** Existing customers whose records were split: part of them got `newId`. */
  splits: Array<{ fromId: number; newId: number }>;
  newCustomerIds: number[];
  /** Next free customer id after this run. */
  nextCustomerId: number;
  blockingStats: BlockingStat[];
  guardStats: GuardStat[];
  /** must-link pairs not applied because they contradict a cannot-link. */
  overrideConflicts: Array<readonly [number, number]>;
  model: TrainedModel;
  /** Blocking keys of every input record, when `returnBlockKeys` was set (record = input position). */
  blockKeys: BlockKeys | null;
  /** The normalized match keys of a record, for the warehouse to store (see match-keys.ts). */
  matchKeys(recordId: number): MatchKeys | undefined;
  stats: {
    records: number;
    candidatePairs: number;
    /** Records no blocking rule covered (no key, or only keys of blocks over the cap). */
    uncoveredRecords: number;
    linkedPairs: number;
    customers: number;
  };
  /** Milliseconds per phase. */
  timings: Record<string, number>;
}
