/**
 * Memoization for pure normalizers whose inputs repeat a lot in real sheets (company and
 * person names, email domains). Bounded: a column of unique values must not grow memory
 * without limit, so the whole cache is dropped when it fills — cheap, and a repeating value
 * is back in the cache after its next use.
 */
export function memoize<R>(fn: (s: string) => R, limit = 10_000): (s: string) => R {
  const cache = new Map<string, R>();
  return (s: string): R => {
    let r = cache.get(s);
    if (r === undefined && !cache.has(s)) {
      if (cache.size >= limit) cache.clear();
      r = fn(s);
      cache.set(s, r);
    }
    return r as R;
  };
}
