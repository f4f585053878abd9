import { DisjointSets } from './disjoint-sets.js';

/**
 * Clustering that does not chain strangers together.
 *
 * Plain connected components over "score above threshold" edges chain: A~B and B~C put A and C
 * in one customer even when A and C are clearly different people, and at a million records weak
 * links snowball into giant clusters. Here edges are applied strongest first, and two clusters
 * merge only when the merge is supported by *all* their cross pairs, scored on demand even when
 * blocking never paired them:
 *
 * - veto (a complete-linkage floor): no cross pair may be clearly different — contradictions
 *   (negative field weights) at or below vetoWeight that its agreements do not outweigh. Missing
 *   data is no contradiction, so records bridged by a third one (name+phone ~ name+phone+email ~
 *   name+email) still join, and a heavily mistyped duplicate whose id and address agree is not
 *   vetoed; "same surname, but another given name, patronymic and birth date" is;
 * - average linkage (FS edges only): the mean match weight over cross pairs must reach the link
 *   threshold, so one strong edge cannot drag in a record that the rest of the cluster rejects.
 *
 * - birth dates: no cross pair may hold two real dates that cannot be one (not a typo or a
 *   day/month swap apart), unless an identifier is shared across;
 * - identifiers (FS edges only): if e-mails and phones differ across and none is shared (for an
 *   edge on names and place alone: e-mails or phones), the two groups are two namesakes.
 *
 * Deterministic edges (same guarded email/phone/tax id) need only pass the veto; must-links are
 * applied unconditionally; cannot-links block any merge that would join their two records.
 * Average linkage was chosen over "split after the fact" because it is local (cost ∝ merged
 * cluster sizes), deterministic given the edge order, and tolerant of the typical duplicate set:
 * two corrupted copies of one original may score low with each other but high with the original.
 */

export interface PairEvidence {
  /** Sum of field weights (log2 Bayes factors, no prior) of two record positions. */
  evidence(a: number, b: number): number;
  /** Whether the pair last passed to `evidence` is clearly two different people. */
  lastVetoed(vetoWeight: number): boolean;
  /**
   * Of the pair last passed to `evidence`: bit 0 = their birth dates conflict (two real dates
   * that are not one typo or a day/month swap apart, or years that differ); bits 1 and 2 =
   * both have an e-mail / a phone and they agree (exactly or by one typo); bits 3 and 4 = both
   * have one and they differ.
   */
  lastConflicts(): number;
}

/** Bits of PairEvidence.lastConflicts. */
export const CONFLICT = {
  dob: 1,
  emailAgree: 2,
  phoneAgree: 4,
  emailDiffer: 8,
  phoneDiffer: 16,
  idAgree: 32,
  /** Both have a patronymic and they differ (not even by a typo). */
  middleDiffer: 64,
  /** Both have a city and they differ (not even by a typo or another spelling of it). */
  cityDiffer: 128,
} as const;

export interface LinkagePolicy {
  /** log2 prior odds that two random records match. */
  priorLogOdds: number;
  /** log2 odds of the link threshold (matchProbability). */
  thresholdWeight: number;
  /** log2 odds a link resting on names (and place) alone must reach (nameOnlyMatchProbability). */
  nameOnlyThresholdWeight: number;
  vetoWeight: number;
  /** Cross pairs checked per merge at most; larger merges are checked on a strided sample. */
  maxLinkagePairs: number;
  /** Records a block of one name may hold and be expanded (ResolveConfig.maxNameBlockSize). */
  maxNameBlockSize: number;
}

export class ConstrainedClustering {
  readonly sets: DisjointSets;
  private readonly cannot = new Map<number, number[]>();
  private readonly bufA: number[] = [];
  private readonly bufB: number[] = [];

  constructor(
    n: number,
    private readonly scorer: PairEvidence,
    private readonly policy: LinkagePolicy,
  ) {
    this.sets = new DisjointSets(n);
  }

  addCannotLink(a: number, b: number): void {
    if (a === b) return;
    const la = this.cannot.get(a);
    if (la) la.push(b);
    else this.cannot.set(a, [b]);
    const lb = this.cannot.get(b);
    if (lb) lb.push(a);
    else this.cannot.set(b, [a]);
  }

  /** Joins without any check: records already grouped by a trusted earlier run. */
  joinTrusted(a: number, b: number): void {
    this.sets.unionRoots(this.sets.find(a), this.sets.find(b));
  }

  /** Must-link: joins unless a cannot-link forbids it; false on conflict. */
  mustLink(a: number, b: number): boolean {
    const ra = this.sets.find(a);
    const rb = this.sets.find(b);
    if (ra === rb) return true;
    if (this.forbidden(ra, rb)) return false;
    this.sets.unionRoots(ra, rb);
    return true;
  }

  /**
   * Tries to merge the clusters of a and b. `average` asks for average linkage on top of the
   * veto (FS edges); deterministic rule edges pass `false`. `weak`: the edge rests on names and
   * place alone (edges.ts), so one differing identifier across, with none shared, refuses it.
   * True if they are (now) together.
   */
  tryLink(a: number, b: number, average: boolean, weak = false): boolean {
    const ra = this.sets.find(a);
    const rb = this.sets.find(b);
    if (ra === rb) return true;
    if (this.forbidden(ra, rb)) return false;
    if (!this.supported(ra, rb, average, weak)) return false;
    this.sets.unionRoots(ra, rb);
    return true;
  }

  private forbidden(ra: number, rb: number): boolean {
    if (this.cannot.size === 0) return false;
    const small = this.sets.size[ra]! <= this.sets.size[rb]! ? ra : rb;
    const other = small === ra ? rb : ra;
    const next = this.sets.next;
    let k = small;
    do {
      const partners = this.cannot.get(k);
      if (partners) for (const p of partners) if (this.sets.find(p) === other) return true;
      k = next[k]!;
    } while (k !== small);
    return false;
  }

  private supported(ra: number, rb: number, average: boolean, weak: boolean): boolean {
    const { priorLogOdds, thresholdWeight, vetoWeight, maxLinkagePairs } = this.policy;
    const a = this.collect(ra, this.bufA);
    const b = this.collect(rb, this.bufB);
    // Strided sample when both clusters are big: bounded cost, still spread over all members.
    const side = Math.max(1, Math.floor(Math.sqrt(maxLinkagePairs)));
    const stepA = a.length * b.length > maxLinkagePairs ? Math.max(1, Math.ceil(a.length / side)) : 1;
    const stepB = a.length * b.length > maxLinkagePairs ? Math.max(1, Math.ceil(b.length / side)) : 1;
    let sum = 0;
    let count = 0;
    let seen = 0;
    for (let i = 0; i < a.length; i += stepA) {
      for (let j = 0; j < b.length; j += stepB) {
        const ev = this.scorer.evidence(a[i]!, b[j]!);
        if (this.scorer.lastVetoed(vetoWeight)) return false;
        seen |= this.scorer.lastConflicts();
        sum += ev;
        count++;
      }
    }
    // Two real birth dates that cannot be one, and no identifier shared across to outweigh
    // them (a mistyped date on a record whose passport number agrees): two people.
    const agree = CONFLICT.emailAgree | CONFLICT.phoneAgree | CONFLICT.idAgree;
    if ((seen & CONFLICT.dob) !== 0 && (seen & agree) === 0) return false;
    if (!average) return true;
    // Two groups whose e-mails and phones differ, with none shared across (nor a personal or tax
    // id): two people who happen to share a name (and a city), the typical chain of CRM data.
    // Pair weights alone would let the names' agreement outweigh a different phone pair by pair.
    // For a weak edge (names and place only) one differing identifier is enough: people do
    // change e-mail or phone, but then some better evidence than a shared name should join them.
    // A weak edge also yields to a differing patronymic: "Евгений Беловов Петрович" and
    // "Евгений Беловов Владимирович" are the namesakes such data is full of.
    if (weak && (seen & CONFLICT.middleDiffer) !== 0 && (seen & agree) === 0) return false;
    if (weak && (seen & CONFLICT.cityDiffer) !== 0 && (seen & agree) === 0) return false;
    const differ = seen & (CONFLICT.emailDiffer | CONFLICT.phoneDiffer);
    const separate =
      (seen & agree) === 0 &&
      (weak ? differ !== 0 : differ === (CONFLICT.emailDiffer | CONFLICT.phoneDiffer));
    if (separate) return false;
    return priorLogOdds + sum / count >= thresholdWeight;
  }

  private collect(root: number, buf: number[]): number[] {
    buf.length = 0;
    const next = this.sets.next;
    let k = root;
    do {
      buf.push(k);
      k = next[k]!;
    } while (k !== root);
    return buf;
  }
}
