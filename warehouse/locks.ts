import type { Warehouse } from './connection.js';
import type { NamedLock } from './engines/adapter.js';

export type { NamedLock };

/**
 * Takes the pipeline's lock if no one holds it: never two runs of a pipeline at once, across
 * processes and machines. Null when another holder has it.
 */
export function lockPipeline(wh: Warehouse, pipeline: string): Promise<NamedLock | null> {
  return wh.adapter.tryLock(wh.knex, `pipeline:${pipeline}`);
}

/** Polls a named lock until it comes or the time is up (then null). */
export async function waitForLock(wh: Warehouse, name: string, timeoutMs: number): Promise<NamedLock | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lock = await wh.adapter.tryLock(wh.knex, name);
    if (lock || Date.now() >= deadline) return lock;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
