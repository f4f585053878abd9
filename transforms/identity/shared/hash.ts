/**
 * 32-bit hashes for grouping without hash maps: a million-entry Map costs about a microsecond
 * per operation (cache misses), while hashing a short string and radix-sorting the hashes costs
 * tens of nanoseconds per record. Collisions are handled by the callers (equal hashes are
 * confirmed by comparing values, or only cost an extra candidate pair).
 */

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes one 32-bit integer into a running hash (MurmurHash3 body step). */
export function combineHash(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Final avalanche of a running hash; returns an unsigned 32-bit value. */
export function finishHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
