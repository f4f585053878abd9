import type { Knex } from 'knex';
import type pg from 'pg';
import type { NamedLock } from '../adapter.js';

/**
 * A session-level advisory lock on a connection of its own: the server frees it if this
 * process dies, so a crashed run never blocks the next one.
 */
export async function tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
  const conn = (await knex.client.acquireConnection()) as pg.Client;
  try {
    const res = await conn.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
      [name],
    );
    if (!res.rows[0]?.ok) {
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
        await conn.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
      } finally {
        await knex.client.releaseConnection(conn);
      }
    },
  };
}
