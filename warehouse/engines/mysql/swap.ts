import type { Knex } from 'knex';
import { CrmEtlError } from '../../../lib/errors.js';
import type { SwapPair, SwapResult } from '../adapter.js';
import { copySwap } from '../base.js';
import { q, rows } from './dialect.js';

// Mart builds: a build table is filled beside its live table, then swapped in for it.

/** A secondary index of a live table, to build on its build table after the fill. */
interface SecondaryIndex {
  name: string;
  unique: boolean;
  /** Column list as written in ADD INDEX: `col`, or `col`(prefix). */
  columns: string;
}

async function secondaryIndexes(knex: Knex, table: string): Promise<SecondaryIndex[]> {
  const found = rows(
    await knex.raw(
      `SELECT index_name AS name, MAX(non_unique) AS non_unique,
         GROUP_CONCAT(CONCAT('\`', REPLACE(column_name, '\`', '\`\`'), '\`', COALESCE(CONCAT('(', sub_part, ')'), ''))
           ORDER BY seq_in_index SEPARATOR ', ') AS cols
       FROM information_schema.statistics
       WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'
       GROUP BY index_name ORDER BY index_name`,
      [table],
    ),
  );
  return found.map((r) => ({
    name: String(r.name ?? r.NAME),
    unique: Number(r.non_unique ?? r.NON_UNIQUE) === 0,
    columns: String(r.cols ?? r.COLS),
  }));
}

/**
 * The live table's columns and primary key (CREATE TABLE LIKE), without its secondary indexes:
 * InnoDB keeps an index up row by row while a table is filled, at random places in the B-tree
 * (on the default 128 MB buffer pool, a disk read per row); built after the fill, each is one
 * sorted pass (finishBuildTable). The key stays: rows are inserted in key order (buildInsertOrder).
 */
export async function createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
  await knex.raw(`CREATE TABLE ${q(table)} LIKE ${q(like)}`);
  const drops = (await secondaryIndexes(knex, table)).map((ix) => `DROP INDEX ${q(ix.name)}`);
  if (drops.length > 0) await knex.raw(`ALTER TABLE ${q(table)} ${drops.join(', ')}`);
}

/** The live table's secondary indexes, under their own names (index names are per table here), in one ALTER. */
export async function finishBuildTable(knex: Knex, table: string, like: string): Promise<void> {
  const adds = (await secondaryIndexes(knex, like)).map(
    (ix) => `ADD ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} (${ix.columns})`,
  );
  if (adds.length > 0) await knex.raw(`ALTER TABLE ${q(table)} ${adds.join(', ')}`);
}

/** How long the swap waits for readers' metadata locks per try, and how many tries before copying. */
const SWAP_LOCK_WAIT_SECONDS = 5;
const SWAP_ATTEMPTS = 3;
const LOCK_CONFLICTS = ['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK'];

/** A foreign key of a live mart, as SHOW CREATE TABLE writes it. */
interface ForeignKey {
  name: string;
  /** `FOREIGN KEY (…) REFERENCES … (…) ON DELETE …` */
  clause: string;
  columns: string[];
  parent: string;
  parentColumns: string[];
}

/**
 * Swaps by ONE `RENAME TABLE live TO old, build TO live, …` statement for all tables: MySQL and
 * MariaDB run a multi-table RENAME atomically (DDL commits, so a transaction could not hold
 * several renames). Nothing is copied; readers wait for the milliseconds of the rename (metadata
 * locks), and the rename waits for running readers at most SWAP_LOCK_WAIT_SECONDS per try,
 * SWAP_ATTEMPTS tries, then the rows are copied instead (the base swap, with a note).
 *
 * What goes with the name and what with the table: grants (mysql.tables_priv) and views name
 * the table, so they apply to the table renamed in; keys and indexes came with CREATE TABLE LIKE.
 * Foreign keys and triggers belong to the table and would leave with the old one: each foreign
 * key is moved, under its own name (unique per database), from the live table to the build
 * table right before the rename (metadata only: foreign_key_checks off, after this code checked
 * the build has no orphan). A trigger on a mart, or a foreign key pointing at one, makes the swap
 * copy instead, with a note.
 */
export async function swapTables(
  knex: Knex,
  pairs: readonly SwapPair[],
  afterTable?: (table: string) => Promise<void> | void,
): Promise<SwapResult> {
  const blockers: string[] = [];
  for (const { table } of pairs) blockers.push(...(await renameBlockers(knex, table)));
  if (blockers.length > 0) {
    const result = await copySwap(knex, pairs, afterTable);
    return { ...result, note: `copied, not renamed: ${blockers.join('; ')}` };
  }
  const keys = new Map<string, ForeignKey[]>();
  for (const { table, build } of pairs) {
    const fks = await foreignKeys(knex, table);
    for (const fk of fks) await checkNoOrphans(knex, build, fk);
    keys.set(table, fks);
  }
  const rename = pairs.flatMap((p) => [`${q(p.table)} TO ${q(p.old)}`, `${q(p.build)} TO ${q(p.table)}`]);
  for (let attempt = 1; ; attempt++) {
    try {
      await onOneConnection(knex, async (conn) => {
        await conn.raw(`SET SESSION lock_wait_timeout = ${SWAP_LOCK_WAIT_SECONDS}`);
        await conn.raw('SET SESSION foreign_key_checks = 0');
        const moved: SwapPair[] = [];
        try {
          for (const pair of pairs) {
            moved.push(pair);
            await moveForeignKeys(conn, keys.get(pair.table)!, pair.table, pair.build);
          }
          await conn.raw(`RENAME TABLE ${rename.join(', ')}`);
        } catch (err) {
          // The live tables keep (get back) their foreign keys; the build tables are dropped later.
          for (const pair of moved.reverse()) {
            await moveForeignKeys(conn, keys.get(pair.table)!, pair.build, pair.table, true);
          }
          throw err;
        } finally {
          await conn.raw('SET SESSION foreign_key_checks = 1');
          await conn.raw('SET SESSION lock_wait_timeout = DEFAULT');
        }
      });
      break;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!LOCK_CONFLICTS.includes(code)) throw err;
      if (attempt >= SWAP_ATTEMPTS) {
        const result = await copySwap(knex, pairs, afterTable);
        return { ...result, note: `copied, not renamed: readers held the marts for ${SWAP_ATTEMPTS} tries` };
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  for (const { table } of pairs) await afterTable?.(table);
  for (const { old } of pairs) await knex.raw(`DROP TABLE IF EXISTS ${q(old)}`);
  return { method: 'rename' };
}

/** Session settings need one connection: a knex transaction pins one (the DDL in it commits by itself). */
async function onOneConnection(knex: Knex, fn: (conn: Knex.Transaction) => Promise<void>): Promise<void> {
  await knex.transaction(fn);
}

/**
 * Moves foreign keys from one table to the other under the same names: dropped first (names
 * are unique per database), then added. `lenient` (putting them back after a failure) skips
 * what is already where it should be.
 */
async function moveForeignKeys(
  conn: Knex.Transaction,
  fks: readonly ForeignKey[],
  from: string,
  to: string,
  lenient = false,
): Promise<void> {
  for (const fk of fks) {
    try {
      await conn.raw(`ALTER TABLE ${q(from)} DROP FOREIGN KEY ${q(fk.name)}`);
    } catch (err) {
      if (!lenient) throw err;
    }
    try {
      await conn.raw(`ALTER TABLE ${q(to)} ADD CONSTRAINT ${q(fk.name)} ${fk.clause}`);
    } catch (err) {
      if (!lenient) throw err;
    }
  }
}

const FOREIGN_KEY_LINE =
  /^\s*CONSTRAINT `((?:[^`]|``)+)` (FOREIGN KEY \(([^)]*)\) REFERENCES `((?:[^`]|``)+)` \(([^)]*)\).*?),?$/;

const columnList = (list: string) => list.split(',').map((c) => c.trim().replace(/^`|`$/g, ''));

async function foreignKeys(knex: Knex, table: string): Promise<ForeignKey[]> {
  const [row] = rows(await knex.raw(`SHOW CREATE TABLE ${q(table)}`));
  const ddl = String(row?.['Create Table'] ?? '');
  return ddl.split('\n').flatMap((line) => {
    const m = FOREIGN_KEY_LINE.exec(line);
    if (!m) return [];
    return [
      {
        name: m[1]!.replaceAll('``', '`'),
        clause: m[2]!,
        columns: columnList(m[3]!),
        parent: m[4]!.replaceAll('``', '`'),
        parentColumns: columnList(m[5]!),
      },
    ];
  });
}

/**
 * The build table's rows must satisfy a foreign key the swap adds without checking it. They were
 * built from the crosswalk, whose customers exist, unless one was deleted during the build.
 * An anti-join, not NOT EXISTS: MariaDB rewrites that into an IN over a materialized copy of the
 * parent (10M orders against 1M customers: 42 s for fct_order alone, every build).
 */
async function checkNoOrphans(knex: Knex, build: string, fk: ForeignKey): Promise<void> {
  const on = fk.columns.map((c, i) => `p.${q(fk.parentColumns[i]!)} = c.${q(c)}`).join(' AND ');
  const present = fk.columns.map((c) => `c.${q(c)} IS NOT NULL`).join(' AND ');
  // A matched parent row equals a non-NULL value: its column is NULL only where none matched.
  const missing = `p.${q(fk.parentColumns[0]!)} IS NULL`;
  const [orphan] = rows(
    await knex.raw(
      `SELECT 1 AS x FROM ${q(build)} c LEFT JOIN ${q(fk.parent)} p ON ${on} WHERE ${present} AND ${missing} LIMIT 1`,
    ),
  );
  if (orphan) {
    throw new CrmEtlError(
      `The rebuilt ${build} names ${fk.parent} rows that no longer exist (foreign key ${fk.name})`,
      { hint: 'A customer was probably deleted or merged during the build: run crm-etl marts again' },
    );
  }
}

/** What a rename would take away with the old table, as readable reasons. */
async function renameBlockers(knex: Knex, table: string): Promise<string[]> {
  const found = rows(
    await knex.raw(
      `SELECT CONCAT('trigger ', trigger_name) AS reason FROM information_schema.triggers
         WHERE event_object_schema = DATABASE() AND event_object_table = ?
       UNION SELECT CONCAT('foreign key from ', table_name) FROM information_schema.referential_constraints
         WHERE constraint_schema = DATABASE() AND referenced_table_name = ? AND table_name <> ?`,
      [table, table, table],
    ),
  );
  return found.map((r) => `${table}: ${String(r.reason ?? r.REASON)}`);
}
