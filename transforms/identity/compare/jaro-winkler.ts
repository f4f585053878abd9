/**
 * Jaro–Winkler similarity on UTF-16 code units.
 *
 * Written for the hot loop of pair scoring: no allocation per call (the "already matched" flags
 * live in module-level typed arrays that grow on demand), no string slicing, no Unicode
 * segmentation. Inputs are expected to be folded and transliterated already, so code units are
 * letters and comparing them is comparing characters.
 */

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensureCapacity(n: number): void {
  if (n <= flagsA.length) return;
  let size = flagsA.length;
  while (size < n) size *= 2;
  flagsA = new Uint8Array(size);
  flagsB = new Uint8Array(size);
}

/** Plain Jaro similarity in [0, 1]; 1 for identical strings (two empty strings included). */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  ensureCapacity(la > lb ? la : lb);
  // Two characters count as matching only within this distance of each other.
  const window = Math.max(0, ((la > lb ? la : lb) >> 1) - 1);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const lo = i > window ? i - window : 0;
    const hi = i + window + 1 < lb ? i + window + 1 : lb;
    for (let j = lo; j < hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  // Transpositions: matched characters of a and b, read in order, that differ (halved).
  let halfT = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfT++;
    k++;
  }
  const t = halfT >> 1;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

/**
 * Jaro–Winkler: Jaro boosted by the common prefix (up to 4 code units, scale 0.1), applied only
 * when Jaro is above 0.7 as Winkler proposed, so unrelated strings sharing a first letter are
 * not pulled up.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  const max = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}
