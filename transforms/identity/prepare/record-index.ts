/**
 * Record id → position, by binary search over the sorted ids: no million-entry Map, and the sort
 * also finds duplicate ids (which would make the result ambiguous).
 */
export class RecordIndex {
  private readonly sortedIds: Float64Array;
  private readonly positions: Int32Array;

  constructor(ids: Float64Array) {
    const order = Int32Array.from(ids.keys());
    // Sorting packed (id, position) numbers is native and fast when ids are small integers.
    const packable = ids.every((id) => Number.isInteger(id) && id >= 0 && id < 2 ** 31);
    if (packable && ids.length < 2 ** 21) {
      const packed = Float64Array.from(ids, (id, i) => id * 2 ** 21 + i).sort();
      packed.forEach((v, k) => (order[k] = v % 2 ** 21));
    } else {
      order.sort((a, b) => ids[a]! - ids[b]!);
    }
    this.sortedIds = Float64Array.from(order, (pos) => ids[pos]!);
    this.positions = order;
    for (let k = 1; k < this.sortedIds.length; k++) {
      if (this.sortedIds[k] === this.sortedIds[k - 1])
        throw new RangeError(`duplicate record id ${this.sortedIds[k]}`);
    }
  }

  /** Position of a record id, or undefined. */
  get(id: number): number | undefined {
    let lo = 0;
    let hi = this.sortedIds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedIds[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sortedIds.length && this.sortedIds[lo] === id ? this.positions[lo] : undefined;
  }
}
