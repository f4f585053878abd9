import type { Knex } from 'knex';
import { quoteIdent as q } from '../base.js';
import { rows } from './dialect.js';

/** A login role for BI tools (EngineAdapter.createReadRole). */
export async function createReadRole(
  knex: Knex,
  role: string,
  password: string | undefined,
): Promise<boolean | null> {
  const { rows: found } = (await knex.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [role])) as {
    rows: unknown[];
  };
  if (found.length > 0) return false;
  if (password === undefined) return null;
  // Utility statements take no parameters: format() quotes the name and the password.
  const { rows: sql } = (await knex.raw(
    `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', ?::text, ?::text) AS s`,
    [role, password],
  )) as { rows: Array<{ s: string }> };
  await knex.raw(sql[0]!.s);
  return true;
}

export async function grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void> {
  const statements = [
    `SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ?::text) AS s`,
    `SELECT format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), ?::text) AS s`,
    ...tables.map(() => `SELECT format('GRANT SELECT ON %I TO %I', ?::text, ?::text) AS s`),
  ];
  const bindings = [[role], [role], ...tables.map((t) => [t, role])];
  await knex.transaction(async (trx) => {
    for (const [i, sql] of statements.entries()) {
      const { rows: made } = (await trx.raw(sql, bindings[i]!)) as { rows: Array<{ s: string }> };
      await trx.raw(made[0]!.s);
    }
  });
}

/** Gives `table` the grants `like` has (but its owner's): a table built to replace `like` offers readers the same. */
export async function copyGrants(knex: Knex, table: string, like: string): Promise<void> {
  const grants = rows(
    await knex.raw(
      `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
         a.privilege_type, a.is_grantable
       FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
       WHERE c.oid = ?::regclass AND a.grantee <> c.relowner`,
      [q(like)],
    ),
  ) as Array<{ grantee: string; privilege_type: string; is_grantable: boolean }>;
  for (const g of grants) {
    await knex.raw(
      `GRANT ${g.privilege_type} ON ${q(table)} TO ${g.grantee}${g.is_grantable ? ' WITH GRANT OPTION' : ''}`,
    );
  }
}
