/**
 * Bounded heap growth while rows stream through.
 *
 * A streaming import keeps little alive (a few batches), but what survives two young-generation
 * collections is promoted, and V8 lets the old space grow up to 4× between full collections when
 * the process has memory to spare: a 1M-row PostgreSQL import's main heap reached 260 MB, and the
 * process 370–445 MB RSS, for some 30 MB of live data. A growth factor of 1.5 while staging keeps
 * the heap near its live size (the same import: 197 MB RSS; 1.2 gave 189 MB but four times the
 * full-collection time, 2.0 gave 217 MB), at the price of more frequent, and
 * cheap, full collections of a small heap. V8 reads the factor at each collection, so it can be
 * set while running; it is put back when the last stream ends, for commands (marts, resolve)
 * whose heaps are big and should grow as V8 sees fit.
 */
import v8 from 'node:v8';

const GROWTH_PERCENT = 50;
let streams = 0;

/** Whoever started node with their own factor keeps it. */
function userSetsGrowth(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) =>
    a.includes('heap-growing-percent'),
  );
}

export async function withBoundedHeapGrowth<T>(fn: () => Promise<T>): Promise<T> {
  const owner = !userSetsGrowth();
  if (owner && streams++ === 0) v8.setFlagsFromString(`--heap-growing-percent=${GROWTH_PERCENT}`);
  try {
    return await fn();
  } finally {
    if (owner && --streams === 0) v8.setFlagsFromString('--heap-growing-percent=0');
  }
}
