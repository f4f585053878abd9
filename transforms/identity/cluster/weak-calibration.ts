import type { PairBuffer } from '../block/pair-buffer.js';
import {
  F_DOB,
  F_EMAIL,
  F_MIDDLE,
  F_PHONE,
  F_PID,
  F_POSTCODE,
  F_TAX,
  FIELDS,
  ROW,
} from '../shared/fields.js';
import type { Prepared } from '../types/prepared.js';
import type { PairScorer } from '../train/scorer.js';
import type { NameFrequency } from './name-frequency.js';

/** Witness pairs used at most (an even stride through the candidates). */
const MAX_WITNESSES = 50_000;
const WITNESS_FIELDS = [F_EMAIL, F_PHONE] as const;
const EXCLUDE = (1 << F_EMAIL) | (1 << F_PHONE);
/** Fields whose agreement makes a pair more than a names-only one (edges.ts, CORROBORATING). */
const OTHER_EVIDENCE = [F_DOB, F_PID, F_TAX, F_POSTCODE, F_MIDDLE];
/** Witnesses at or above the link threshold needed to measure the namesake ceiling; else 1. */
const MIN_CEILING_WITNESSES = 30;

/** What the witnesses teach about names-only links (TrainedModel.namesOnlyCorrection, …Ceiling). */
export interface WeakCalibration {
  /** Additive correction (log2 odds, ≤ 0) to the names-only evidence: decides which links are made. */
  shift: number;
  /** Share of linkable names-only pairs that are one person, at most (0.5..1): caps the score shown. */
  ceiling: number;
}

/**
 * How far to trust the evidence of a link resting on names (and place) alone, learned from the
 * data: an additive correction (log2 odds) to NameFrequency.weakEvidence.
 *
 * That evidence takes the whole name's frequency as its u-probability, as if people shared names
 * only by chance. How often two records with one name are two people beyond chance — namesakes,
 * relatives, a father and son — differs from one data set to another and is not in the
 * frequencies. But it can be measured: an e-mail or a phone is, given match status, independent
 * of the names (the Fellegi–Sunter assumption), so the records that carry one are witnesses.
 * Over the candidate pairs that share a whole name and nothing else but an e-mail or phone that
 * both records hold, the model predicts how many of those identifiers agree —
 * p·m + (1 − p)·u per identifier, p the names-only match probability with the identifiers left
 * out. The correction is the shift of log odds that makes predicted agreements equal observed
 * ones (one-dimensional, monotone: bisection). Where namesakes are many, fewer identifiers agree
 * than the names promise and weak links need more; where the name frequencies are honest, the
 * correction is zero. It never loosens (see the bound below); zero without witnesses.
 */
export function weakLinkCorrection(
  p: Prepared,
  pairs: PairBuffer,
  names: NameFrequency,
  scorer: PairScorer,
  priorLogOdds: number,
  prepareHolders: (a: number, b: number) => (key: number) => number,
  /** Within the names rule's cap (maxNameBlockSize): every pair of records with such a name is a candidate. */
  maxNameRecords: number,
  /** log2 odds a names-only link must reach (policy.nameOnlyThresholdWeight). */
  thresholdWeight: number,
): WeakCalibration {
  const logOdds: number[] = [];
  const agreeM: number[] = [];
  const agreeU: number[] = [];
  /** Identifiers that agree, per witness. */
  const agreed: number[] = [];
  let observed = 0;
  const m = WITNESS_FIELDS.map((f) => agreement(scorer, f, 'm'));
  const u = WITNESS_FIELDS.map((f) => agreement(scorer, f, 'u'));
  const step = Math.max(1, Math.ceil(pairs.length / (MAX_WITNESSES * 8)));
  for (let k = 0; k < pairs.length && logOdds.length < MAX_WITNESSES; k += step) {
    const a = pairs.left[k]!;
    const b = pairs.right[k]!;
    const key = names.keyOf(a);
    // A name held by more records than a block may hold is not paired by name, only by identifier:
    // its candidate pairs would over-represent agreeing identifiers.
    if (key < 0 || key !== names.keyOf(b) || names.recordsWith(key, a) > maxNameRecords) continue;
    let witnesses = 0;
    for (const f of WITNESS_FIELDS) if (p.rows[a * ROW + f]! >= 0 && p.rows[b * ROW + f]! >= 0) witnesses++;
    if (witnesses === 0) continue;
    const fields = scorer.explain(a, b);
    if (OTHER_EVIDENCE.some((f) => agrees(fields[f]!.level, f))) continue;
    const ev = names.weakEvidence(a, b, prepareHolders(a, b), EXCLUDE);
    if (ev === null) continue;
    let sm = 0;
    let su = 0;
    let ok = 0;
    WITNESS_FIELDS.forEach((f, x) => {
      const level = fields[f]!.level;
      if (level === 'missing') return; // absent, or a value shared by many (a switchboard)
      sm += m[x]!;
      su += u[x]!;
      if (agrees(level, f)) ok++;
    });
    if (sm === 0) continue;
    observed += ok;
    logOdds.push(priorLogOdds + ev);
    agreeM.push(sm);
    agreeU.push(su);
    agreed.push(ok);
  }
  if (logOdds.length === 0) return { shift: 0, ceiling: 1 };
  const shift = fitShift(logOdds, agreeM, agreeU, observed);
  return { shift, ceiling: fitCeiling(logOdds, agreeM, agreeU, agreed, shift, thresholdWeight) };
}

/**
 * The shift of log odds that makes predicted agreements equal observed ones over all witnesses
 * (one-dimensional, monotone: bisection).
 */
function fitShift(logOdds: number[], agreeM: number[], agreeU: number[], observed: number): number {
  const predicted = (shift: number): number => {
    let s = 0;
    for (let i = 0; i < logOdds.length; i++) {
      const pm = 1 / (1 + 2 ** -(logOdds[i]! + shift));
      s += pm * agreeM[i]! + (1 - pm) * agreeU[i]!;
    }
    return s;
  };
  // Never above zero: the frequencies already assume names are shared only by chance, and a data
  // set whose witnesses all agree (no namesake among them) does not show that none exist.
  let lo = -30;
  let hi = 0;
  if (predicted(lo) >= observed) return lo;
  if (predicted(hi) <= observed) return hi;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (predicted(mid) < observed) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * One shift over all witnesses is set by the many low-scoring ones, and leaves the high scores
 * overconfident: past some point more name evidence does not make a pair likelier to be one
 * person, because what remains is namesakes the frequencies cannot see (two people of one
 * uncommon name — relatives, a name common in one town). So among the witnesses that would link
 * (at or above the threshold after the shift), the share c that is one person is measured as a
 * ceiling: P(match) = c·p, p the shifted probability. The expected agreements are
 * Σ c·p·m + (1 − c·p)·u, linear in c, solved directly. Bounded to [0.5, 1]; 1 with fewer than
 * MIN_CEILING_WITNESSES such witnesses (too few to tell).
 */
function fitCeiling(
  logOdds: number[],
  agreeM: number[],
  agreeU: number[],
  agreed: number[],
  shift: number,
  thresholdWeight: number,
): number {
  let witnesses = 0;
  let observed = 0;
  let chance = 0;
  let gain = 0;
  for (let i = 0; i < logOdds.length; i++) {
    const lo = logOdds[i]! + shift;
    if (lo < thresholdWeight) continue;
    const pm = 1 / (1 + 2 ** -lo);
    witnesses++;
    observed += agreed[i]!;
    chance += agreeU[i]!;
    gain += pm * (agreeM[i]! - agreeU[i]!);
  }
  if (witnesses < MIN_CEILING_WITNESSES || gain <= 0) return 1;
  return Math.min(1, Math.max(0.5, (observed - chance) / gain));
}

/** Whether a level label is an agreement (any level but the field's last, "else"). */
function agrees(level: string, f: number): boolean {
  const levels = FIELDS[f]!.levels;
  return level !== 'missing' && level !== levels[levels.length - 1];
}

/** m or u of "agrees" (exact or one typo) for an identifier field. */
function agreement(scorer: PairScorer, f: number, which: 'm' | 'u'): number {
  const levels = scorer.model.fields[f]!.levels;
  let s = 0;
  for (let l = 0; l < levels.length - 1; l++) s += levels[l]![which];
  return Math.min(Math.max(s, 1e-9), 1 - 1e-9);
}
