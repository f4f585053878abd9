import type { ResolveInput, ResolveResult } from '../../../transforms/identity/index.js';

/** Contacts for tests: ids 1..n in order, one source. */
export function contacts(rows: ReadonlyArray<Omit<Partial<ResolveInput>, 'id'>>): ResolveInput[] {
  return rows.map((row, i) => ({ source: 'test', sourceKey: `k${i + 1}`, ...row, id: i + 1 }));
}

/** Whether two record ids ended up in the same customer. */
export function together(result: ResolveResult, a: number, b: number): boolean {
  return result.assignment.get(a) === result.assignment.get(b);
}
