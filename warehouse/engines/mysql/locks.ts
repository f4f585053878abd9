import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { NamedLock } from '../adapter.js';

/** A GET_LOCK on a connection of its own: the server frees it if this process dies. */
export async function tryLock(knex: Knex, database: string, name: string): Promise<NamedLock | null> {
  // GET_LOCK names are server-wide and at most 64 characters: scope by database, hash if long.
  let lockName = `${database}:${name}`;
  if (lockName.length > 64) lockName = createHash('sha1').update(lockName).digest('hex');
  const conn = await knex.client.acquireConnection();
  try {
    const [rows] = (await knex.raw('SELECT GET_LOCK(?, 0) AS ok', [lockName]).connection(conn)) as [
      Array<{ ok: number }>,
    ];
    if (rows[0]?.ok !== 1) {
      await knex.client.releaseConnection(conn);
      return null;
    }
  } catch (err) {
    await knex.client.releaseConnection(conn);
    throw err;
  }
  return {
    release: async () => {
      try {
        await knex.raw('SELECT RELEASE_LOCK(?)', [lockName]).connection(conn);
      } finally {
        await knex.client.releaseConnection(conn);
      }
    },
  };
}
