/**
 * Identity resolution: contact records → customers. Pure and in memory; the warehouse layer
 * reads stg_contact into `ResolveInput`s and writes the result to dim_customer and
 * customer_crosswalk.
 *
 * ```ts
 * const full = resolve(records, { existing, nextCustomerId, overrides, returnBlockKeys: true });
 * full.assignment      // Map record id -> customer id (every input record)
 * full.links.get(id)   // { customerId, rule: 'email'|'phone'|'tax_id'|'fs'|'must_link'|'existing'|'none',
 *                      //   score, weight, matchedWith, comparisons: [{ field, level, weight }] }
 * full.merges          // [{ survivingId, absorbedId }] — customers that disappeared into another
 * full.splits          // [{ fromId, newId }] — part of a customer that became a new one
 * full.newCustomerIds, full.nextCustomerId
 * full.blockingStats   // [{ rule, pairs, blocks, skippedBlocks, skippedRecords }]
 * full.guardStats      // [{ rule, sharedValues, links, vetoed }]
 * full.model           // TrainedModel, plain JSON: persist it, pass it back as `model`
 * full.blockKeys       // (rule, key, record) triples to store for incremental runs
 * full.matchKeys(id)   // normalized match keys of a record, to store beside it
 * full.timings         // ms per phase
 *
 * // Later, with new or changed records:
 * const keys = blockKeysOf(changed);               // look keys up in the stored (rule, key) table
 * const subset = [...storedCandidatesAndTheirCustomersRecords, // each with its stored match_keys
 *                 ...changed.map((r, i) => ({ ...r, match_keys: keys.matchKeys[i] }))];
 * const inc = resolve(subset, { existing, changedIds, model: full.model, nextCustomerId });
 * ```
 *
 * How it works, one folder per stage (the shapes they share are type-only modules in types/;
 * field layout, hashing and the seeded PRNG in shared/):
 * - prepare/ — match keys (prepare.ts): names folded, ё→е, transliterated to Latin, phonetic
 *   keys; split full names; email match keys (plus-tags, Gmail dots), E.164 phones, INN with
 *   checksum, company keys without legal forms — all from ../normalize. Columns of interned
 *   values (string-column.ts), stored match keys (match-keys.ts), name families of short and
 *   familiar forms (nicknames.ts), city keys with exonyms and abbreviations (places.ts).
 *   Birth dates keep partial dates (day 00: year and month; YYYY-01-01: year only) and drop
 *   placeholders before 1901.
 * - block/ — deterministic.ts: same email / phone / tax id links outright, unless the value is a
 *   role address or shared by more than `maxNamesPerSharedValue` distinct names (switchboards,
 *   employer INNs), or the two records are clearly different people (family mailbox).
 *   blocking-rules.ts, blocking.ts: candidate pairs from composite keys — identifiers, dates,
 *   postcodes, and rules needing none of them (names alone, names + city, e-mail login, phone
 *   suffix); each pair compared once; oversized blocks skipped and counted, and records no rule
 *   covered counted (`stats.uncoveredRecords`). block-keys.ts: the keys, for incremental runs.
 * - compare/ — comparison levels per field (Jaro–Winkler bands, one-typo ids and dates,
 *   day/month swaps, swapped first/last names, initials, nickname families at the phonetic
 *   level); missing = neutral, a partial date against a date it fits = neutral, e-mails whose
 *   digits differ = different.
 * - train/ — Fellegi–Sunter: u from random pairs (u-probabilities.ts), m and the prior by EM on
 *   the candidate pairs, no labels (em.ts, em-sessions.ts, train.ts); prior-model.ts for inputs
 *   too small for EM. scorer.ts: log2(m/u) weights with term-frequency adjustment on names,
 *   city, street, postcode, company.
 * - cluster/ — edges.ts picks the links; cluster.ts: strongest edges first; a merge needs every
 *   cross pair free of clear contradictions and (for FS edges) an average match weight above the
 *   threshold, so weak links do not chain strangers; no merge across conflicting real birth
 *   dates or across differing e-mails/phones with none shared; links on names and place alone
 *   come last, only when unambiguous (clustering-run.ts) and when the whole name is rare in the
 *   data (name-frequency.ts: the name as one TF-weighted value, u = the other customers holding
 *   it), shifted by the model's learned names-only correction (weak-calibration.ts), reaching
 *   `nameOnlyMatchProbability`, with no differing city or patronymic across;
 *   must-link / cannot-link overrides.
 * - golden/ — stable-ids.ts: ids survive runs (most-held id wins, ties → smallest), merges and
 *   splits. explain-records.ts, link-table.ts: the deciding edge of every record.
 *   golden-record.ts: survivorship (source priority, frequency, then source and key; the name
 *   in one script, name-script.ts; a company in a name column taken as the company).
 * resolve.ts runs the stages in order; evaluate.ts scores clusters against known truth.
 *
 * Incremental mode: with `changedIds`, only pairs touching a changed record are generated (the
 * same blocking), unchanged records keep their existing customers as they are, and clusters
 * still merge only under the same checks. `records` may be everything, or — cheaper — just the
 * changed records plus the stored records that share a blocking key with them (look the keys
 * of `blockKeysOf(changed)` up in the stored `blockKeys`) and the other records of their
 * customers. Pass the model of the last full run: it carries the prior for the whole
 * population, the term frequencies and the shared values. Records passed with `match_keys`
 * (prepare/match-keys.ts) are not normalized again — normalization is most of the cost of a run; never
 * pass stored keys for a record whose fields changed.
 *
 * Inputs too small for EM (< 200 candidate pairs) are scored with train/prior-model.ts.
 */
export { resolve, DEFAULT_CONFIG } from './resolve.js';
export { blockKeysOf } from './block/block-keys.js';
export type { BlockKeys } from './types/block-keys.js';
export { BLOCKING_RULES, blockCap, type BlockCaps } from './block/blocking-rules.js';
export { FIELDS } from './shared/fields.js';
export { priorModel } from './train/prior-model.js';
export { MATCH_KEYS_VERSION } from './prepare/match-keys.js';
export type { MatchKeys } from './types/match-keys.js';
export { evaluateClusters, type Evaluation } from './evaluate.js';
export {
  survive,
  type ClusterMember,
  type GoldenOptions,
  type GoldenRecord,
} from './golden/golden-record.js';
export { jaro, jaroWinkler } from './compare/jaro-winkler.js';
export type {
  BlockingStat,
  ComparisonWeight,
  GuardStat,
  LevelParams,
  MatchRule,
  Merge,
  Overrides,
  PhaseProgress,
  Population,
  RecordLink,
  ResolveConfig,
  ResolveInput,
  ResolveOptions,
  ResolveResult,
  SharedIdentifier,
  TrainedModel,
} from './types/public.js';
