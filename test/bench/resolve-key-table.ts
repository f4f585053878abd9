/**
 * Stand-in for the warehouse's table of blocking keys (rule, key, record_id) with an index on
 * (rule, key): one sorted Float64Array of (32-bit hash of rule and key, record position) packed
 * into one number, plus a directory of where each top-20-bit prefix starts (what the index's
 * upper levels do). A hash collision only adds a few extra candidates, which the resolver scores
 * and rejects.
 */
import type { BlockKeys } from '../../transforms/identity/index.js';
import { combineHash, finishHash } from '../../transforms/identity/shared/hash.js';

const SLOT = 2 ** 21;
const PREFIX_BITS = 20;

const slotKey = (rule: number, key: number): number => finishHash(combineHash(combineHash(0, rule), key));

export class KeyTable {
  private readonly directory: Int32Array;

  private constructor(
    private readonly sorted: Float64Array,
    private readonly ids: ArrayLike<number>,
    private readonly cap: (rule: number) => number,
  ) {
    // directory[p] = first index whose hash has prefix >= p.
    this.directory = new Int32Array((1 << PREFIX_BITS) + 1);
    let k = 0;
    for (let prefix = 0; prefix <= 1 << PREFIX_BITS; prefix++) {
      while (k < sorted.length && Math.floor(sorted[k]! / SLOT) >>> (32 - PREFIX_BITS) < prefix) k++;
      this.directory[prefix] = k;
    }
  }

  /** `ids[k.record[x]]` is the record id of key x. */
  static build(k: BlockKeys, ids: ArrayLike<number>, cap: (rule: number) => number): KeyTable {
    if (ids.length >= SLOT) throw new RangeError(`KeyTable holds at most ${SLOT - 1} records`);
    const packed = new Float64Array(k.key.length);
    for (let x = 0; x < packed.length; x++) packed[x] = slotKey(k.rule[x]!, k.key[x]!) * SLOT + k.record[x]!;
    return new KeyTable(packed.sort(), ids, cap);
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Record ids sharing key x of `k`, or none when more records hold it than its rule's cap. */
  lookup(k: BlockKeys, x: number, out: Set<number>): void {
    const h = slotKey(k.rule[x]!, k.key[x]!);
    const target = h * SLOT;
    const prefix = h >>> (32 - PREFIX_BITS);
    let lo = this.directory[prefix]!;
    let hi = this.directory[prefix + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.sorted.length && Math.floor(this.sorted[end]! / SLOT) === h) end++;
    if (end - lo > this.cap(k.rule[x]!)) return;
    for (let y = lo; y < end; y++) out.add(this.ids[this.sorted[y]! % SLOT]!);
  }
}
