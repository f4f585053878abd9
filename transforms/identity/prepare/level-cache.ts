import type { LevelLookup } from '../types/prepared.js';

/**
 * A direct-mapped cache of comparison levels by the pair of interned value codes. First names,
 * streets and cities have few distinct values, so the same pairs of values are compared again and
 * again across millions of record pairs; a cache hit (two array reads) replaces a Jaro–Winkler
 * call. A slot holds the last pair that hashed to it — no eviction logic, no allocation.
 */
export class LevelCache implements LevelLookup {
  private readonly shift: number;
  private readonly keyA: Int32Array;
  private readonly keyB: Int32Array;
  private readonly level: Uint8Array;

  /** `values`: distinct values of the column — no point in more slots than their pairs. */
  constructor(values: number) {
    const bits = Math.max(6, Math.min(16, Math.ceil(Math.log2(values * values + 1))));
    this.shift = 32 - bits;
    this.keyA = new Int32Array(1 << bits).fill(-1);
    this.keyB = new Int32Array(1 << bits);
    this.level = new Uint8Array(1 << bits);
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) >>> this.shift;
  }

  /** Cached level of the unordered pair (a, b), or -1. */
  get(a: number, b: number): number {
    if (a > b) [a, b] = [b, a];
    const s = this.slot(a, b);
    return this.keyA[s] === a && this.keyB[s] === b ? this.level[s]! : -1;
  }

  set(a: number, b: number, level: number): number {
    if (a > b) [a, b] = [b, a];
    const s = this.slot(a, b);
    this.keyA[s] = a;
    this.keyB[s] = b;
    this.level[s] = level;
    return level;
  }
}
