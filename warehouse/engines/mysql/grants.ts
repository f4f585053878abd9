import type { Knex } from 'knex';

/** A login user for BI tools (EngineAdapter.createReadRole). */
export async function createReadRole(
  knex: Knex,
  role: string,
  password: string | undefined,
): Promise<boolean | null> {
  const [rows] = (await knex.raw('SELECT 1 FROM mysql.user WHERE User = ?', [role])) as [unknown[]];
  if (rows.length > 0) return false;
  if (password === undefined) return null;
  await knex.raw("CREATE USER ?@'%' IDENTIFIED BY ?", [role, password]);
  return true;
}

/** SELECT on `tables` of `database` to `role`. */
export async function grantSelect(
  knex: Knex,
  database: string,
  role: string,
  tables: readonly string[],
): Promise<void> {
  // The user may exist for several hosts: grant to each of them.
  const [hosts] = (await knex.raw('SELECT Host AS host FROM mysql.user WHERE User = ?', [role])) as [
    Array<{ host: string }>,
  ];
  for (const { host } of hosts)
    for (const table of tables) await knex.raw('GRANT SELECT ON ??.?? TO ?@?', [database, table, role, host]);
}
