/**
 * "One typo apart" for identifiers, postcodes and dates: a single substitution, insertion,
 * deletion, or swap of two adjacent characters. Linear, allocation-free — cheaper than a full
 * Damerau–Levenshtein matrix when all we need to know is whether the distance is at most one.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Substitution at i: the rest must agree.
    if (tailEqual(a, i + 1, b, i + 1)) return true;
    // Adjacent transposition at i, i+1.
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      tailEqual(a, i + 2, b, i + 2)
    );
  }
  // Lengths differ by one: skip one character of the longer string at the first difference.
  return la > lb ? tailEqual(a, i + 1, b, i) : tailEqual(a, i, b, i + 1);
}

function tailEqual(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}
