import type { RecordIndex } from '../prepare/record-index.js';
import type { PairScorer } from '../train/scorer.js';
import type { ComparisonWeight, MatchRule, RecordLink, SharedIdentifier } from '../types/public.js';

/** Rule of a record's link, by code. */
export const LINK_RULES: readonly MatchRule[] = [
  'none',
  'existing',
  'must_link',
  'email',
  'phone',
  'tax_id',
  'fs',
];

/** Per record position: the deciding link, as parallel arrays (see explain-records.ts). */
export interface LinkColumns {
  customer: Float64Array;
  rule: Uint8Array;
  /** Position of the other record of the deciding pair, -1 for none. */
  partner: Int32Array;
  /** Evidence (sum of field weights) of the deciding pair. */
  evidence: Float64Array;
  /** 1 where the deciding pair rests on names alone: its evidence is the calibrated one shown. */
  namesOnly: Uint8Array;
}

/**
 * The per-record links as a read-only Map, built on demand from typed arrays: a million link
 * objects with fifteen comparison objects each would cost gigabytes, while the warehouse reads
 * rule and score once per record and `crm-etl explain` looks at a handful of comparisons.
 */
export class LinkTable implements ReadonlyMap<number, RecordLink> {
  constructor(
    private readonly ids: Float64Array,
    private readonly index: RecordIndex,
    private readonly cols: LinkColumns,
    private readonly scorer: PairScorer,
    /** The identifiers of a record position refused as shared (resolve.ts). */
    private readonly sharedOf: (pos: number) => SharedIdentifier[],
  ) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.index.get(id) !== undefined;
  }

  get(id: number): RecordLink | undefined {
    const pos = this.index.get(id);
    return pos === undefined ? undefined : this.at(pos);
  }

  /** The link of record position `pos`. */
  at(pos: number): RecordLink {
    const { customer, rule, partner, evidence, namesOnly } = this.cols;
    const name = LINK_RULES[rule[pos]!]!;
    const y = partner[pos]!;
    const scorer = this.scorer;
    const ev = evidence[pos]!;
    let cached: ComparisonWeight[] | null = null;
    const sharedOf = this.sharedOf;
    return {
      customerId: customer[pos]!,
      rule: name,
      score: name === 'fs' ? scorer.probability(ev) : y >= 0 || name === 'existing' ? 1 : 0,
      weight: y >= 0 ? scorer.priorLogOdds + ev : null,
      matchedWith: y >= 0 ? this.ids[y]! : null,
      namesOnly: namesOnly[pos] === 1,
      get comparisons(): ComparisonWeight[] {
        cached ??= y >= 0 ? scorer.explain(pos, y) : [];
        return cached;
      },
      get sharedIdentifiers(): SharedIdentifier[] {
        return sharedOf(pos);
      },
    };
  }

  *entries(): MapIterator<[number, RecordLink]> {
    for (let pos = 0; pos < this.ids.length; pos++) yield [this.ids[pos]!, this.at(pos)];
  }

  *keys(): MapIterator<number> {
    for (let pos = 0; pos < this.ids.length; pos++) yield this.ids[pos]!;
  }

  *values(): MapIterator<RecordLink> {
    for (let pos = 0; pos < this.ids.length; pos++) yield this.at(pos);
  }

  forEach(fn: (value: RecordLink, key: number, map: ReadonlyMap<number, RecordLink>) => void): void {
    for (let pos = 0; pos < this.ids.length; pos++) fn(this.at(pos), this.ids[pos]!, this);
  }

  [Symbol.iterator](): MapIterator<[number, RecordLink]> {
    return this.entries();
  }
}
