import type { Knex } from 'knex';
import { freshDatabase, type EngineTarget } from '../support/engines.js';

/** A throwaway ERP database: its URL, a writable connection (the ERP's own users) and a seeder. */
export interface TestSourceDb<Seeder> {
  url: string;
  knex: Knex;
  seed: Seeder;
  drop(): Promise<void>;
}

/** A fresh database on the target's server, connected with `connect` and built by `create`. */
export async function freshSourceDb<Seeder>(
  target: EngineTarget,
  connect: (url: string) => Knex,
  create: (knex: Knex) => Promise<Seeder>,
): Promise<TestSourceDb<Seeder>> {
  const db = await freshDatabase(target);
  const knex = connect(db.url);
  const drop = async () => {
    await knex.destroy();
    await db.drop();
  };
  try {
    return { url: db.url, knex, seed: await create(knex), drop };
  } catch (err) {
    await drop();
    throw err;
  }
}
