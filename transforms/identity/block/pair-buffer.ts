/**
 * Candidate pairs as parallel typed arrays instead of one object per pair: at a million records
 * there are tens of millions of pairs, and objects would cost gigabytes and GC pauses.
 * Record positions (not record ids) are stored; `rule` is the blocking rule that produced it.
 */
export class PairBuffer {
  length = 0;
  left: Int32Array;
  right: Int32Array;
  rule: Uint8Array;

  constructor(capacity = 1024) {
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.rule = new Uint8Array(capacity);
  }

  /** Stores the pair as (smaller, larger) position: scoring is then the same from either side. */
  push(a: number, b: number, rule: number): void {
    if (this.length === this.left.length) this.grow();
    const k = this.length++;
    this.left[k] = a < b ? a : b;
    this.right[k] = a < b ? b : a;
    this.rule[k] = rule;
  }

  private grow(): void {
    const size = this.left.length * 2;
    const left = new Int32Array(size);
    left.set(this.left);
    const right = new Int32Array(size);
    right.set(this.right);
    const rule = new Uint8Array(size);
    rule.set(this.rule);
    this.left = left;
    this.right = right;
    this.rule = rule;
  }
}
