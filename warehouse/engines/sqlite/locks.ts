import os from 'node:os';
import type { Knex } from 'knex';
import type { NamedLock } from '../adapter.js';

/**
 * A row in etl_lock with the holder's host and pid: SQLite has no lock that outlives a statement,
 * and a lock left by a process that died on this machine is taken over.
 */
export async function tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
  const holder = { owner: `${os.hostname()}:${process.pid}`, host: os.hostname(), pid: process.pid };
  const take = async (): Promise<boolean> => {
    const res = await knex.raw(
      'INSERT INTO etl_lock (name, owner, host, pid, acquired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [name, holder.owner, holder.host, holder.pid, new Date().toISOString()],
    );
    return (res as { changes?: number }).changes === 1;
  };
  if (!(await take())) {
    const row = (await knex('etl_lock').where({ name }).first()) as { host: string; pid: number } | undefined;
    // A lock left by a process that died on this machine is stale: take it over.
    if (!row || row.host !== holder.host || processAlive(Number(row.pid))) return null;
    await knex('etl_lock').where({ name, host: row.host, pid: row.pid }).delete();
    if (!(await take())) return null;
  }
  return {
    release: async () => {
      await knex('etl_lock').where({ name, owner: holder.owner }).delete();
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
