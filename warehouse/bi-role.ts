/**
 * A read-only login for BI tools (Metabase, Superset, Power BI): SELECT on the dimensions, facts
 * and marts, nothing on staging (raw source rows), the crosswalk, identity or run bookkeeping.
 * The marts keep the grant across rebuilds (the swap carries grants over).
 */
import { ConfigError } from '../lib/errors.js';
import type { Warehouse } from './connection.js';
import { CONTRACT_TABLES } from './tables.js';

/** What a BI tool reads: the golden record, the facts, the marts and the scoreboard's targets with their history. */
export const BI_TABLES: readonly string[] = Object.freeze([
  ...CONTRACT_TABLES.filter((t) => /^(dim_|fct_|mart_)/.test(t)),
  'scoreboard_target',
]);

/** Role and user names the engines take unquoted in every tool's connection dialog. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface BiRoleResult {
  role: string;
  /** The role did not exist and was created (with the given password). */
  created: boolean;
  tables: string[];
}

export async function grantBiRole(
  wh: Warehouse,
  role: string,
  password: string | undefined,
): Promise<BiRoleResult> {
  if (!ROLE_NAME.test(role)) {
    throw new ConfigError(`'${role}' is not a usable role name`, {
      hint: 'Use lower-case letters, digits and _ (at most 63), starting with a letter',
    });
  }
  const created = await wh.adapter.createReadRole(wh.knex, role, password);
  if (created === null) {
    throw new ConfigError(`Role '${role}' does not exist and no password was given to create it`, {
      hint: 'Pass --password-env <VAR> with the password in that environment variable',
    });
  }
  const tables = [...BI_TABLES];
  await wh.adapter.grantSelect(wh.knex, role, tables);
  return { role, created, tables };
}
