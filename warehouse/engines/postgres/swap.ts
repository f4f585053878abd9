import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Leftovers, SwapPair, SwapResult, SwapWithinResult } from '../adapter.js';
import { copySwap, quoteIdent as q } from '../base.js';
import { rows } from './dialect.js';
import { LOCK_CONFLICTS } from './errors.js';
import { copyGrants } from './grants.js';

// Mart builds: a build table is filled beside its live table, then swapped in for it.

/**
 * Columns, defaults, NOT NULL and CHECK constraints now; indexes, keys and foreign keys after the fill.
 * Text columns of the live table's primary or unique keys get COLLATE "C" on the build table (so on
 * the mart it becomes): PostgreSQL sorts a key under "C" by memcmp with abbreviated keys, under any
 * libc locale — C.UTF-8 included — through strcoll without them, and fct_order's key (1M orders)
 * built that much slower. Equality is unchanged (byte-wise under every deterministic collation);
 * ORDER BY on such a key is by code point, which the marts' own queries already ask for
 * (sql.sortKey), and a default-collated column compared with it yields to "C".
 */
export async function createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
  await knex.raw(
    `CREATE TABLE ${q(table)} (LIKE ${q(like)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)`,
  );
  const keyText = rows(
    await knex.raw(
      `SELECT DISTINCT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
       WHERE c.conrelid = ?::regclass AND c.contype IN ('p', 'u')
         AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)
         AND a.attcollation = (SELECT oid FROM pg_collation WHERE collname = 'default')
       ORDER BY 1`,
      [q(like)],
    ),
  ) as Array<{ name: string; type: string }>;
  if (keyText.length === 0) return;
  // The build table is empty: changing a column's collation rewrites nothing.
  await knex.raw(
    `ALTER TABLE ${q(table)} ${keyText.map((c) => `ALTER COLUMN ${q(c.name)} TYPE ${c.type} COLLATE "C"`).join(', ')}`,
  );
}

/**
 * The live table's indexes and keys, built in one sorted pass each under names of their own
 * (swapTables gives them the live names), its foreign keys (added NOT VALID, then validated:
 * dim_customer stays writable meanwhile) and its grants, so the table that replaces it offers
 * readers the same.
 */
export async function finishBuildTable(knex: Knex, table: string, like: string): Promise<void> {
  const indexes = await pgIndexes(knex, like);
  await knex.transaction(async (trx) => {
    // fct_order's three indexes (10M rows) built in the same time at 2 GB (#21: 16–18 s for the
    // key, 7–10 s for the others, both settings): the parallel workers hand their sorted runs to
    // the leader in temp files (268 and 191 MB) whatever the memory.
    await trx.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
    for (const ix of indexes) {
      const name = pgSwapName('b', ix.name);
      await trx.raw(pgIndexDefFor(ix.def, name, table));
      if (ix.contype === 'p' || ix.contype === 'u') {
        const kind = ix.contype === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
        await trx.raw(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(name)} ${kind} USING INDEX ${q(name)}`);
      }
    }
  });
  const fks = rows(
    await knex.raw(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f' ORDER BY conname`,
      [q(like)],
    ),
  ) as Array<{ conname: string; def: string }>;
  for (const fk of fks) {
    await knex.raw(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(fk.conname)} ${fk.def} NOT VALID`);
    await knex.raw(`ALTER TABLE ${q(table)} VALIDATE CONSTRAINT ${q(fk.conname)}`);
  }
  await copyGrants(knex, table, like);
  const [described] = rows(
    await knex.raw(`SELECT obj_description(?::regclass, 'pg_class') AS comment`, [q(like)]),
  );
  if (typeof described?.comment === 'string') {
    await knex.raw(`COMMENT ON TABLE ${q(table)} IS ?`, [described.comment]);
  }
}

/**
 * Plans cheaper than this are run without JIT compilation (PostgreSQL's default: 100,000). The
 * compile is a fixed cost per statement that pays back only over millions of rows: the buyers'
 * window, the first orders and the customer months over 1M orders (plans costed 60,000–210,000)
 * took 6–10 % more backend CPU with JIT than without (3.9 and 3.7 s against 3.7 and 3.4 s,
 * alternate runs), over 10M orders (590,000–2,550,000) 5 % less (33.5 s against 35.4 s): plans that
 * big still get JIT, and its optimisation.
 */
const BULK_JIT_ABOVE_COST = 500_000;

/**
 * Sorts and hashes of a build get memory instead of spilling to disk; scratch commits do not wait
 * for fsync; JIT only where the statement is big enough to pay for compiling it.
 *
 * 256 MB is enough, and more did not pay (#21; 1M customers / 10M orders, every statement under
 * EXPLAIN (ANALYZE, BUFFERS) at 256 MB, 1 GB, 2 GB and 256 MB again, load 4–7 on 2 cores): only
 * the buyers' window (512 MB of temp files, in memory from 2 GB: a 1.2 GB quicksort) and the first
 * orders' window (390 MB, in memory from 1 GB) spill; the other statements' hashes fit (the customer
 * months' DISTINCT peaks at 340 MB, under work_mem × hash_mem_multiplier). Spilled or not, their
 * backend CPU stayed within the runs' noise (buyers 23–25 s, first orders 14–22 s): the temp files
 * stay in the OS page cache, and an external merge sort costs about what an in-memory quicksort of
 * the same rows does. Where wall time exceeded CPU time, the backend was waiting for a core
 * (/proc/<pid>/schedstat: 409 s on CPU, 239 s in the run queue, under 90 s for anything else), not
 * for the disk. A bigger setting would only add risk: work_mem is granted per sort or hash node
 * and per parallel worker, and twice that to hashes.
 */
export async function runBulk(knex: Knex, sql: string, options: { probes?: boolean } = {}): Promise<number> {
  return knex.transaction(async (trx) => {
    await trx.raw(`SET LOCAL work_mem = '256MB'`);
    await trx.raw('SET LOCAL synchronous_commit = off');
    await trx.raw(`SET LOCAL jit_above_cost = ${BULK_JIT_ABOVE_COST}`);
    if (options.probes) await preferProbes(trx);
    const result = (await trx.raw(sql)) as { rowCount?: number | null };
    return Number(result.rowCount ?? 0);
  });
}

/**
 * Joins by index probes (adapter.runProbes). The planner costs a random page read at four
 * sequential ones (random_page_cost 4, for disks that seek), and from its sample it guesses ten
 * times the orders a customer has, so to join the refresh's ~100,000 affected customers to
 * fct_order's 10M rows it reads the whole table and hashes it; the warehouse a nightly refresh
 * reads sits in the OS page cache. 1M customers, 670,000 facts of 100,000 customers copied:
 * hashed 3.0–3.2 s; hash join off, 7.5 s (a pass over fct_order probing the customers); hash join
 * off and random_page_cost 1.1, 1.3–1.5 s (from each customer through fct_order's customer
 * index); random_page_cost 1.1 alone kept the hash. The night's 105,000 changed orders read
 * from stg_order and linked through the crosswalk: hashed 3.3 s, probed 1.2 s. Not for every
 * refresh statement: the kept customer months (3.1M rows, 325,000 probes) were hashed faster than
 * probed (1.1–1.6 s against 1.7–2.3 s). A join disabled so is only made dearer (disable_cost), not forbidden: where no
 * index serves, the planner still hashes. The probes grow with the night's changes: a refresh
 * runs only while at most a fifth of the customers are affected (marts/index.ts
 * FULL_REBUILD_SHARE, checked before the customers who lost an order to them are added), so a
 * probed set as large as a pass is a night whose affected fifth holds most of the orders. Each
 * probe is then cheap only while the tables sit in memory, as a warehouse refreshed every night
 * does; on one read cold from disk, probes can be slower than the hash, though they stay linear.
 */
async function preferProbes(trx: Knex.Transaction): Promise<void> {
  await trx.raw('SET LOCAL enable_hashjoin = off');
  await trx.raw('SET LOCAL enable_mergejoin = off');
  await trx.raw('SET LOCAL random_page_cost = 1.1');
}

/**
 * A build's scratch DDL (adapter.scratchWork) in one transaction that does not wait for its commit
 * to be flushed: each DDL statement on its own committed and waited for an fsync (~3 ms here), a
 * few hundred a night. Only scratch tables are touched, which a crash takes with the build; the
 * marts' own writes (the swap, the refresh's commit) keep synchronous commits and are the durable point.
 */
export async function scratchWork<T>(knex: Knex, fn: (db: Knex) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL synchronous_commit = off');
    return fn(trx);
  });
}

const SWAP_LOCK_TIMEOUT = '5s';
const SWAP_ATTEMPTS = 3;

/**
 * Swaps by renaming, in one transaction (PostgreSQL's DDL is transactional): each live table
 * becomes `old`, each build table takes the live name and its indexes the live indexes' names.
 * Nothing is copied, but readers of the marts wait for the few milliseconds of the swap (ACCESS
 * EXCLUSIVE locks), and the swap waits for running readers: at most SWAP_LOCK_TIMEOUT per try.
 * When the locks cannot be had, or something is attached to a live table that a rename would
 * leave behind (a view, a trigger, a policy, a publication, a foreign key pointing at it, another
 * owner), the rows are copied instead (the base swap: slower, never blocks readers).
 */
export async function swapTables(
  knex: Knex,
  pairs: readonly SwapPair[],
  afterTable?: (table: string) => Promise<void> | void,
): Promise<SwapResult> {
  const blockers: string[] = [];
  for (const { table } of pairs) blockers.push(...(await pgRenameBlockers(knex, table)));
  if (blockers.length > 0) {
    const result = await copySwap(knex, pairs, afterTable);
    return { ...result, note: `copied, not renamed: ${blockers.join('; ')}` };
  }
  const indexes = new Map<string, PgIndex[]>();
  for (const { table } of pairs) indexes.set(table, await pgIndexes(knex, table));
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.transaction(async (trx) => {
        await trx.raw(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
        await renameIn(trx, pairs, indexes, afterTable);
      });
      break;
    } catch (err) {
      if (err instanceof RenameBlocked) {
        const result = await copySwap(knex, pairs, afterTable);
        return { ...result, note: `copied, not renamed: ${err.message}` };
      }
      const code = (err as { code?: string }).code ?? '';
      if (!LOCK_CONFLICTS.includes(code)) throw err;
      if (attempt >= SWAP_ATTEMPTS) {
        const result = await copySwap(knex, pairs, afterTable);
        return {
          ...result,
          note: `copied, not renamed: readers held the marts for ${SWAP_ATTEMPTS} tries`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  const { left, heldBy } = await dropLeftovers(
    knex,
    pairs.map((p) => p.old),
  );
  if (left.length === 0) return { method: 'rename' };
  return {
    method: 'rename',
    note: `left ${left.join(', ')} for the next build to drop: ${heldBy.join('; ')}`,
  };
}

/** Something attached to a live table meanwhile (a view made since the check) that a rename would leave behind. */
class RenameBlocked extends Error {}

/**
 * Renames each live table to `old` and its build table into its place, the indexes with them.
 * All locks first, in one order, so a reader never holds one table the swap still needs.
 */
async function renameIn(
  trx: Knex.Transaction,
  pairs: readonly SwapPair[],
  indexes: ReadonlyMap<string, readonly PgIndex[]>,
  afterTable?: (table: string) => Promise<void> | void,
): Promise<void> {
  await trx.raw(`LOCK TABLE ${pairs.map((p) => q(p.table)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
  // Checked again under the locks: a view created on a mart since the caller's check would follow
  // the retired table (views bind to the table, not its name) and keep it from being dropped; an
  // index created since would leave with it, and the mart lose it.
  const blockers: string[] = [];
  for (const { table } of pairs) {
    blockers.push(...(await pgRenameBlockers(trx, table)));
    const known = new Set(indexes.get(table)!.map((ix) => ix.name));
    for (const ix of await pgIndexes(trx, table)) {
      if (!known.has(ix.name)) blockers.push(`${table}: index ${ix.name} made during the build`);
    }
  }
  if (blockers.length > 0) throw new RenameBlocked(blockers.join('; '));
  for (const { table, build, old } of pairs) {
    await trx.raw(`ALTER TABLE ${q(table)} RENAME TO ${q(old)}`);
    // Named after the retired table too: one a reader kept from being dropped still has its indexes.
    for (const ix of indexes.get(table)!) {
      await trx.raw(`ALTER INDEX ${q(ix.name)} RENAME TO ${q(pgSwapName('o', `${old}.${ix.name}`))}`);
    }
    await trx.raw(`ALTER TABLE ${q(build)} RENAME TO ${q(table)}`);
    // Renaming a key's index renames its constraint too.
    for (const ix of indexes.get(table)!) {
      await trx.raw(`ALTER INDEX ${q(pgSwapName('b', ix.name))} RENAME TO ${q(ix.name)}`);
    }
    await afterTable?.(table);
  }
}

/** Only a rename that would leave something behind (pgRenameBlockers) stops a swap inside a transaction. */
export async function swapWithinBlockers(knex: Knex, table: string): Promise<string[]> {
  return pgRenameBlockers(knex, table);
}

/**
 * The rename swap inside the caller's transaction (a refresh's commit), in a savepoint: when the
 * readers of the marts hold them past SWAP_LOCK_TIMEOUT, the savepoint is rolled back and the
 * caller's transaction goes on without the swap (one try: the caller then copies the rows, which
 * needs no lock a reader holds). The retired tables stay until the caller drops them after its commit.
 */
export async function swapWithin(
  trx: Knex.Transaction,
  pairs: readonly SwapPair[],
): Promise<SwapWithinResult> {
  const indexes = new Map<string, PgIndex[]>();
  for (const { table } of pairs) indexes.set(table, await pgIndexes(trx, table));
  try {
    await trx.transaction(async (savepoint) => {
      await savepoint.raw(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
      await renameIn(savepoint, pairs, indexes);
      // Back to the server's setting for what the caller's transaction still does.
      await savepoint.raw('SET LOCAL lock_timeout = DEFAULT');
    });
    return { swapped: true };
  } catch (err) {
    if (err instanceof RenameBlocked) return { swapped: false, why: err.message };
    if (LOCK_CONFLICTS.includes((err as { code?: string }).code ?? '')) {
      return { swapped: false, why: `readers held them past the ${SWAP_LOCK_TIMEOUT} lock timeout` };
    }
    throw err;
  }
}

const DROP_TRIES = 3;

/**
 * Each table dropped in its own transaction after taking, with NOWAIT, the locks the drop needs:
 * the table's own and, for each foreign key, the referenced table's (removing the key's triggers
 * there takes ACCESS EXCLUSIVE). A lock someone holds fails the try at once instead of queueing —
 * a waiting ACCESS EXCLUSIVE request would queue every later reader of dim_customer behind it,
 * for as long as, say, a BI tool's idle transaction stays open. A few tries a little apart get
 * past readers' short queries; a table still held is left and named in the result with who holds
 * what it needs, and so are the later ones that reference a table found held (not tried again).
 */
export async function dropLeftovers(knex: Knex, tables: readonly string[]): Promise<Leftovers> {
  const left: string[] = [];
  const heldBy: string[] = [];
  const held = new Set<string>();
  for (const table of tables) {
    for (let attempt = 1; ; attempt++) {
      let locking = table;
      try {
        await knex.transaction(async (trx) => {
          const exists = rows(await trx.raw('SELECT to_regclass(?) AS oid', [q(table)]))[0]?.oid;
          if (exists === null || exists === undefined) return;
          const referenced = rows(
            await trx.raw(
              `SELECT DISTINCT confrelid::regclass::text AS name FROM pg_constraint
               WHERE conrelid = ?::regclass AND contype = 'f' AND confrelid <> conrelid ORDER BY 1`,
              [q(table)],
            ),
          ).map((r) => String(r.name));
          const busy = referenced.find((name) => held.has(name));
          if (busy !== undefined) throw new StillHeld(busy);
          for (const name of [q(table), ...referenced]) {
            locking = name;
            await trx.raw(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE NOWAIT`);
          }
          await trx.raw(`DROP TABLE ${q(table)}`);
        });
        break;
      } catch (err) {
        if (err instanceof StillHeld) {
          left.push(table);
          break;
        }
        if (!LOCK_CONFLICTS.includes((err as { code?: string }).code ?? '')) throw err;
        if (attempt >= DROP_TRIES) {
          held.add(locking);
          left.push(table);
          heldBy.push(await holders(knex, locking));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
  return { left, heldBy };
}

/** A table dropLeftovers found held already in this call. */
class StillHeld extends Error {}

/**
 * Who holds a lock on `relation`, for the note an operator reads: a BI tool's session left idle
 * in a transaction shows as such, with how long its transaction has been open; autovacuum too.
 */
async function holders(knex: Knex, relation: string): Promise<string> {
  const found = rows(
    await knex.raw(
      `SELECT a.pid, COALESCE(NULLIF(a.application_name, ''), a.backend_type) AS app, a.usename AS who,
         a.state, CAST(EXTRACT(EPOCH FROM now() - a.xact_start) AS integer) AS secs
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.relation = to_regclass(?) AND l.granted AND l.pid <> pg_backend_pid()
       ORDER BY a.xact_start NULLS LAST, a.pid LIMIT 5`,
      [relation],
    ),
  );
  const who = found.map(
    (r) =>
      `pid ${String(r.pid)} (${String(r.app ?? 'unknown')}${r.who ? `, user ${String(r.who)}` : ''}, ${String(r.state ?? 'no state')}` +
      `${r.secs === null || r.secs === undefined ? '' : `, transaction open ${String(r.secs)} s`})`,
  );
  return who.length > 0
    ? `${relation} is held by ${who.join(', ')}`
    : `${relation} was held by a session that has since let go`;
}

/**
 * Renames a leftover table and every index of it (a build table's carry the names the next build
 * gives its own: pgSwapName) to names of `to`'s own, so the next build can create its tables.
 */
export async function setAside(knex: Knex, table: string, to: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const indexes = await pgIndexes(trx, table);
    await trx.raw(`ALTER TABLE ${q(table)} RENAME TO ${q(to)}`);
    for (const ix of indexes) {
      await trx.raw(`ALTER INDEX ${q(ix.name)} RENAME TO ${q(pgSwapName('o', `${to}.${ix.name}`))}`);
    }
  });
}

interface PgIndex {
  name: string;
  def: string;
  /** 'p' primary key, 'u' unique constraint, null a plain index. */
  contype: string | null;
}

async function pgIndexes(knex: Knex, table: string): Promise<PgIndex[]> {
  const res = (await knex.raw(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def, c.contype
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
     WHERE x.indrelid = ?::regclass ORDER BY i.relname`,
    [q(table)],
  )) as { rows: PgIndex[] };
  return res.rows;
}

/** Index names (schema-wide, ≤ 63 bytes) for a build's copy ('b') or a retired table's ('o') of index `name`. */
function pgSwapName(kind: 'b' | 'o', name: string): string {
  return `etl_${kind}_${createHash('sha1').update(name).digest('hex').slice(0, 24)}`;
}

const PG_IDENT = '(?:"(?:[^"]|"")*"|[^\\s."]+)';
const PG_INDEX_DEF = new RegExp(
  `^(CREATE (?:UNIQUE )?INDEX )${PG_IDENT}( ON (?:ONLY )?)${PG_IDENT}(?:\\.${PG_IDENT})?( USING )`,
);

/** pg_get_indexdef's statement for the same index under another name on another table. */
function pgIndexDefFor(def: string, name: string, table: string): string {
  if (!PG_INDEX_DEF.test(def)) throw new Error(`Unexpected index definition: ${def}`);
  return def.replace(PG_INDEX_DEF, `$1${q(name)}$2${q(table)}$3`);
}

/** What a rename would leave attached to the retired table (or lose), as readable reasons. */
async function pgRenameBlockers(knex: Knex, table: string): Promise<string[]> {
  const res = (await knex.raw(
    `SELECT 'view ' || r.ev_class::regclass::text AS reason FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
       WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ?::regclass AND r.ev_class <> d.refobjid
     UNION SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal
     UNION SELECT 'foreign key from ' || conrelid::regclass::text FROM pg_constraint
       WHERE contype = 'f' AND confrelid = ?::regclass AND conrelid <> confrelid
     UNION SELECT 'row security' FROM pg_class WHERE oid = ?::regclass AND relrowsecurity
     UNION SELECT 'publication' FROM pg_publication_rel WHERE prrelid = ?::regclass
     UNION SELECT 'owner ' || pg_get_userbyid(relowner) FROM pg_class
       WHERE oid = ?::regclass AND pg_get_userbyid(relowner) <> current_user`,
    Array(6).fill(q(table)),
  )) as { rows: Array<{ reason: string }> };
  return res.rows.map((r) => `${table}: ${r.reason}`);
}
