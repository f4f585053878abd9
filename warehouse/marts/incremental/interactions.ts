import type { Knex } from 'knex';
import { customerRefSql } from '../../identity/customer-ref.js';
import { countRows } from '../build-tables.js';
import { completeScratch, fill, scratchTable, type MartContext } from '../context.js';
import { buildInteractionFacts, letterSql } from '../facts.js';
import { present } from '../sql.js';
import { derivedRefSql, linkChanged, markSql } from './state.js';

/** Staged interactions whose fact the refresh writes again (every copy of a letter among them). */
const CANDIDATES = 'etl_incr_interaction_candidate';
/** The staged interactions that changed, or whose reference was linked or re-linked, since the last build. */
const SEEDS = 'etl_incr_interaction_seed';
/** The sources of staged interactions (a letter's copies are looked for in each). */
const SOURCES = 'etl_incr_interaction_source';
/** The candidates' fct_interaction rows as a full build would write them. */
export const NEW_INTERACTIONS = 'etl_incr_interaction';
/** fct_interaction as the commit will leave it: the live rows of the other interactions and the new rows. */
export const INTERACTIONS_VIEW = 'etl_incr_fct_interaction';

/**
 * The refresh's interaction facts: only the staged interactions whose fact may differ from the
 * live one are read again, and later steps read fct_interaction through a view of it as the commit
 * will leave it — instead of every interaction rebuilt and copied into the mart each night.
 *
 * A fact depends on its staged row, the crosswalk link of its reference and, for a letter, the
 * other copies of it (one fact per message key, the copy chosen among the linked ones:
 * buildInteractionFacts). So the candidates are the rows stamped since the mark, the rows whose
 * reference was linked or re-linked since, and every letter copy sharing a message key with one of
 * them — the live fact of each partition is one of those copies, so deleting the candidates' live
 * rows and writing theirs again is the whole change. A night a crosswalk row went (a customer
 * deleted by a merge takes its rows and facts with it by the cascade, a letter's kept copy among
 * them, and nothing marks the copies left) or was re-linked, every interaction is a candidate
 * (findSeeds).
 * A staged interaction deleted since is not seen (the mark counts only stamps): the refresh then
 * falls back to a full build (index.ts fallBack compares the staged count).
 * Returns the facts written for the candidates.
 */
export async function buildChangedInteractions(ctx: MartContext, crosswalkWent: boolean): Promise<number> {
  const { wh } = ctx;
  await findSeeds(ctx, crosswalkWent);
  await findCandidates(ctx);
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    await db.schema.dropTableIfExists(NEW_INTERACTIONS);
    ctx.scratch.add(NEW_INTERACTIONS);
    await wh.adapter.createBuildTable(db, NEW_INTERACTIONS, 'fct_interaction');
  });
  const written = await buildInteractionFacts(ctx, { table: NEW_INTERACTIONS, interactions: CANDIDATES });
  await wh.adapter.scratchWork(wh.knex, (db) => wh.adapter.analyze(db, NEW_INTERACTIONS));
  const columns = Object.keys(await wh.knex('fct_interaction').columnInfo()).join(', ');
  await wh.knex.raw(`DROP VIEW IF EXISTS ${INTERACTIONS_VIEW}`);
  await wh.knex.raw(
    `CREATE VIEW ${INTERACTIONS_VIEW} AS SELECT ${columns} FROM fct_interaction f
     WHERE NOT EXISTS (SELECT 1 FROM ${CANDIDATES} c WHERE c.source = f.source AND c.source_key = f.source_key)
     UNION ALL SELECT ${columns} FROM ${NEW_INTERACTIONS}`,
  );
  // Later steps read fct_interaction as the commit will leave it (context.ts factsOf).
  ctx.readFrom.set('fct_interaction', INTERACTIONS_VIEW);
  return written;
}

/**
 * SQL: `columns` (plain column names or expressions of them) of the interaction facts written
 * again, as they were and as they will be.
 */
export function changedInteractionsSql(columns: string): string {
  return `SELECT ${columns} FROM fct_interaction WHERE interaction_id IN (SELECT ${ID} FROM ${CANDIDATES} c)
    UNION SELECT ${columns} FROM ${NEW_INTERACTIONS}`;
}

/** In the commit's transaction: the candidates' live facts go, their new ones come. */
export async function commitInteractions(ctx: MartContext, trx: Knex.Transaction): Promise<void> {
  // By the key: a candidate's live fact, if any, has its id (a letter's, one of its copies').
  await trx.raw(
    ctx.wh.adapter.deleteByKeys(
      'fct_interaction',
      'f',
      'interaction_id',
      `SELECT ${ID} AS k FROM ${CANDIDATES} c`,
    ),
  );
  await trx.raw(`INSERT INTO fct_interaction SELECT * FROM ${NEW_INTERACTIONS}`);
}

/** A candidate's interaction_id, as buildInteractionFacts writes it. */
const ID = `CONCAT(c.source, ':', c.source_key)`;

const keyColumns = [
  { name: 'source', type: 'key' as const },
  { name: 'source_key', type: 'key' as const },
];

/**
 * The staged interactions that changed or whose reference was linked or re-linked since the
 * marks, read by index: by updated_at, and by the customer key the changed crosswalk rows name
 * (stg_interaction_customer). A re-linked reference derived from the sender or recipient written
 * on the row (`email:…`: no index holds it) is looked for in one pass over the interactions
 * without a customer key, on the nights one was re-linked only.
 */
async function findSeeds(ctx: MartContext, crosswalkWent: boolean): Promise<void> {
  await scratchTable(ctx, { name: SEEDS, columns: keyColumns, key: ['source', 'source_key'] });
  // A customer deleted since took its facts with it by the cascade, and with them maybe the kept
  // copy of a letter whose other copies, linked to someone else, nothing marks; a crosswalk row
  // deleted leaves a fact whose row nothing marks either. Whether a row went is told by the link
  // step's count (link-scope.ts), which also counts a re-linked row as gone: on such a night every
  // interaction is read again (a pass too many, never one too few).
  if (crosswalkWent) {
    ctx.notes.push(
      'Interactions: every fact written again (a crosswalk row went or was re-linked since the last build: a deleted customer takes its facts with it)',
    );
    await fill(
      ctx,
      SEEDS,
      `INSERT INTO ${SEEDS} (source, source_key) SELECT source, source_key FROM stg_interaction`,
    );
    return;
  }
  const changed = linkChanged();
  // CROSS JOIN: the crosswalk drives (SQLite keeps that order); on the other engines an inner join.
  const parts = [
    `SELECT source, source_key FROM stg_interaction WHERE updated_at > ${markSql('stg_interaction')}`,
    `SELECT i.source, i.source_key FROM customer_crosswalk x CROSS JOIN stg_interaction i
      WHERE i.source = x.source AND i.customer_source_key = x.source_key AND ${changed}`,
  ];
  const [row] = ctx.wh.adapter.rows(
    await ctx.wh.knex.raw(
      `SELECT COUNT(*) AS n FROM customer_crosswalk x WHERE ${changed} AND ${derivedRefSql()}`,
    ),
  );
  if (Number(row?.n ?? 0) > 0) {
    parts.push(
      `SELECT i.source, i.source_key FROM stg_interaction i
         JOIN customer_crosswalk x ON x.source = i.source AND x.source_key = ${customerRefSql('i', 'interaction')}
        WHERE NOT ${present('i.customer_source_key')} AND ${changed}`,
    );
  }
  await fill(ctx, SEEDS, `INSERT INTO ${SEEDS} (source, source_key) ${parts.join(' UNION ')}`);
}

/**
 * The seeds and every staged letter sharing a message key with one of them, in any source: a
 * partition's kept copy can change when a copy arrives, changes or is re-linked. Looked up by
 * the staged key (source, source_key) for each source — a handful — rather than by the message
 * key alone, which no index leads with.
 */
async function findCandidates(ctx: MartContext): Promise<void> {
  const { wh } = ctx;
  await scratchTable(ctx, { name: SOURCES, columns: [keyColumns[0]!], key: ['source'] });
  if ((await countRows(wh, SEEDS)) > 0) {
    const sources = await distinctSources(ctx);
    for (let i = 0; i < sources.length; i += 500)
      await wh.knex(SOURCES).insert(sources.slice(i, i + 500).map((source) => ({ source })));
  }
  await completeScratch(ctx, SOURCES);
  await scratchTable(ctx, { name: CANDIDATES, columns: keyColumns, key: ['source', 'source_key'] });
  await fill(
    ctx,
    CANDIDATES,
    `INSERT INTO ${CANDIDATES} (source, source_key)
     SELECT source, source_key FROM ${SEEDS}
     UNION SELECT i.source, i.source_key FROM ${SEEDS} s CROSS JOIN ${SOURCES} o
       JOIN stg_interaction i ON i.source = o.source AND i.source_key = s.source_key
      WHERE ${letterSql('i')}`,
  );
}

/**
 * The distinct sources of stg_interaction by hopping along its key, one probe per source (a loose
 * index scan), not a pass over every interaction.
 */
async function distinctSources(ctx: MartContext): Promise<string[]> {
  const { knex, adapter } = ctx.wh;
  const sources: string[] = [];
  for (;;) {
    const last = sources.at(-1);
    const [row] = adapter.rows(
      await knex.raw(
        `SELECT MIN(source) AS s FROM stg_interaction${last === undefined ? '' : ' WHERE source > ?'}`,
        last === undefined ? [] : [last],
      ),
    );
    if (row?.s === null || row?.s === undefined) return sources;
    sources.push(String(row.s));
  }
}
