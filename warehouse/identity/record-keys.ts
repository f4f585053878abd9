import crypto from 'node:crypto';
import type { Knex } from 'knex';
import {
  BLOCKING_RULES,
  blockKeysOf,
  MATCH_KEYS_VERSION,
  type MatchKeys,
  type ResolveInput,
} from '../../transforms/identity/index.js';
import type { Warehouse } from '../connection.js';

/**
 * The persisted side of identity resolution (migration 0014): per record its fields and prepared
 * match keys (identity_record), its blocking keys (identity_block_key, indexed on rule and key),
 * and the definition they were made with (identity_key_state).
 */

/** One record as identity_record keeps it. */
export interface StoredRecord {
  recordId: number;
  source: string;
  sourceKey: string;
  kind: 'contact' | 'order';
  /** The staged fields (what the golden record is built from). */
  fields: Record<string, string | null>;
  /** Birth date as the resolver reads it (partial dates with 00), or null. */
  birthDate: string | null;
  matchKeys: MatchKeys;
  updatedAt: string;
  firstSeen: string;
}

const RECORD_COLUMNS = [
  'record_id',
  'source',
  'source_key',
  'kind',
  'fields',
  'birth_date',
  'match_keys',
  'updated_at',
  'first_seen',
] as const;
const KEY_COLUMNS = ['record_id', 'rule', 'block_key'] as const;
/** Rows per bulk insert call: bounded memory whatever the number of records. */
const WRITE_CHUNK = 20_000;
/** Values per IN list: inside every engine's bound-parameter limit (SQLite 32,766), few round trips. */
export const IN_CHUNK = 5_000;

/**
 * A fingerprint of how match and blocking keys are made: the rule definitions, the match-key
 * version, and the keys a fixed set of probe records gets. Normalization, transliteration,
 * phonetic codes and the nickname table all show in the probes' keys, so a release that changes
 * any of them changes the fingerprint without anyone remembering to bump a number.
 */
let version: string | undefined;
export function keysVersion(): string {
  if (version !== undefined) return version;
  const probes: ResolveInput[] = PROBES.map((p, id) => ({
    id,
    source: 'probe',
    sourceKey: String(id),
    ...p,
  }));
  const keys = blockKeysOf(probes);
  const h = crypto.createHash('sha1');
  h.update(JSON.stringify({ rules: BLOCKING_RULES, matchKeys: MATCH_KEYS_VERSION }));
  h.update(JSON.stringify(keys.matchKeys));
  h.update(Buffer.from(keys.key.buffer, keys.key.byteOffset, keys.key.byteLength));
  h.update(Buffer.from(keys.rule.buffer, keys.rule.byteOffset, keys.rule.byteLength));
  return (version = h.digest('hex').slice(0, 16));
}

const PROBES: ReadonlyArray<Partial<ResolveInput>> = [
  {
    full_name: 'Иванов Александр Петрович',
    email: 'A.Ivanov+crm@Gmail.com',
    phone: '8 (916) 123-45-67',
    city: 'Москва',
  },
  {
    first_name: 'Саша',
    last_name: 'Иванов',
    phone: '+79161234567',
    city: 'Moscow',
    birth_date: '1980-05-00',
  },
  {
    first_name: 'Bill',
    last_name: 'Smith',
    email: 'bill.smith@example.com',
    postcode: 'SW1A 1AA',
    birth_date: '1975-03-14',
  },
  {
    first_name: 'Ёлкина',
    last_name: 'Катя',
    company: 'ООО «Ромашка»',
    tax_id: '7707083893',
    street: 'ул. Ленина',
    house: '5к2',
  },
  {
    full_name: 'Jekaterina Jolkina',
    region: 'Свердловская обл.',
    personal_id: '45 03 123456',
    birth_date: '1990-01-01',
  },
];

export interface KeyState {
  version: string;
  records: number;
}

export async function readKeyState(wh: Warehouse): Promise<KeyState | null> {
  const row = (await wh.knex('identity_key_state').where({ state_id: 1 }).first('version', 'records')) as
    { version: unknown; records: unknown } | undefined;
  return row ? { version: String(row.version), records: Number(row.records) } : null;
}

async function writeKeyState(wh: Warehouse, trx: Knex.Transaction, records: number): Promise<void> {
  await trx('identity_key_state').where({ state_id: 1 }).delete();
  await trx('identity_key_state').insert({
    state_id: 1,
    version: keysVersion(),
    records,
    computed_at: wh.adapter.timestamp(new Date()),
  });
}

/** Blocking keys of records: `recordId[k]`, `rule[k]`, `key[k]` (a 32-bit hash, stored as a number). */
export interface KeyRows {
  recordId: ArrayLike<number>;
  rule: ArrayLike<number>;
  key: ArrayLike<number>;
  length: number;
}

/**
 * An instant as every engine's bulk path takes it: the engine's own form where that is text
 * (SQLite's ISO text), else UTC 'YYYY-MM-DD HH:MM:SS.fff' (the sessions run in UTC; MySQL's
 * DATETIME refuses ISO 8601's T and Z).
 */
function instantText(wh: Warehouse, iso: string): string {
  const t = wh.adapter.timestamp(new Date(iso));
  return t instanceof Date ? t.toISOString().replace('T', ' ').replace('Z', '') : String(t);
}

/**
 * instantText with what it made kept: records staged by one load share their instants, so a
 * million records have a few distinct ones. Bounded: cleared when it grows past 10,000.
 */
function instantTexts(wh: Warehouse): (iso: string) => string {
  const made = new Map<string, string>();
  return (iso) => {
    let text = made.get(iso);
    if (text === undefined) {
      if (made.size >= 10_000) made.clear();
      made.set(iso, (text = instantText(wh, iso)));
    }
    return text;
  };
}

function recordRow(
  r: StoredRecord,
  instant: (iso: string) => string,
): Record<string, string | number | null> {
  return {
    record_id: r.recordId,
    source: r.source,
    source_key: r.sourceKey,
    kind: r.kind,
    fields: JSON.stringify(presentFields(r.fields)),
    birth_date: r.birthDate,
    match_keys: JSON.stringify(r.matchKeys),
    updated_at: instant(r.updatedAt),
    first_seen: instant(r.firstSeen),
  };
}

/**
 * The fields that hold a value: most of a record's columns are empty, and their nulls were a
 * third of identity_record's bytes. Read back, an absent field is empty as a null one is.
 */
function presentFields(fields: Record<string, string | null>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const name in fields) {
    const value = fields[name];
    if (value !== null && value !== undefined) present[name] = value;
  }
  return present;
}

async function insertRecords(
  wh: Warehouse,
  trx: Knex.Transaction,
  records: Iterable<StoredRecord>,
): Promise<void> {
  const instant = instantTexts(wh);
  let rows: Array<Record<string, string | number | null>> = [];
  for (const r of records) {
    rows.push(recordRow(r, instant));
    if (rows.length >= WRITE_CHUNK) {
      await wh.adapter.insertRows(trx, 'identity_record', RECORD_COLUMNS, rows);
      rows = [];
    }
  }
  await wh.adapter.insertRows(trx, 'identity_record', RECORD_COLUMNS, rows);
}

async function insertKeys(wh: Warehouse, trx: Knex.Transaction, keys: KeyRows): Promise<void> {
  // Straight from the key columns: millions of rows at a full run, with no object per row.
  await wh.adapter.insertNumberColumns(
    trx,
    'identity_block_key',
    KEY_COLUMNS,
    [keys.recordId, keys.rule, keys.key],
    keys.length,
  );
}

/**
 * Replaces every stored record and key (a run that read all records: the first, a full one, or
 * one after the key definition changed), in the caller's transaction.
 */
export async function replaceAllKeys(
  wh: Warehouse,
  trx: Knex.Transaction,
  records: Iterable<StoredRecord>,
  count: number,
  keys: KeyRows,
): Promise<void> {
  // Where DDL is part of the transaction, the secondary indexes go for the load and are built in
  // one pass after it: maintaining them row by row made storing the keys most of a full run.
  // MySQL would commit the transaction at the first DROP INDEX, so it keeps them.
  const rebuild = wh.adapter.transactionalDdl;
  if (rebuild) for (const { table, name } of BULK_INDEXES) await dropIndex(trx, table, name);
  await wh.adapter.emptyTable(trx, 'identity_block_key');
  await wh.adapter.emptyTable(trx, 'identity_record');
  await insertRecords(wh, trx, records);
  await insertKeys(wh, trx, keys);
  if (rebuild)
    for (const { table, name, columns, unique } of BULK_INDEXES)
      await trx.schema.alterTable(table, (t) => {
        if (unique) t.unique([...columns], { indexName: name });
        else t.index([...columns], name);
      });
  await writeKeyState(wh, trx, count);
}

/** The secondary indexes of migration 0014 a full store drops and rebuilds (the primary key stays). */
const BULK_INDEXES = [
  {
    table: 'identity_block_key',
    name: 'identity_block_key_rule_key',
    columns: ['rule', 'block_key'],
    unique: false,
  },
  { table: 'identity_block_key', name: 'identity_block_key_record', columns: ['record_id'], unique: false },
  {
    table: 'identity_record',
    name: 'identity_record_source_key',
    columns: ['source', 'source_key'],
    unique: true,
  },
] as const;

async function dropIndex(trx: Knex.Transaction, table: string, name: string): Promise<void> {
  const unique = BULK_INDEXES.find((i) => i.name === name)?.unique;
  await trx.schema.alterTable(table, (t) => {
    if (unique) t.dropUnique([], name);
    else t.dropIndex([], name);
  });
}

/** Replaces the stored rows and keys of some records (new or changed ones). */
export async function upsertRecordKeys(
  wh: Warehouse,
  trx: Knex.Transaction,
  records: readonly StoredRecord[],
  keys: KeyRows,
): Promise<void> {
  const ids = records.map((r) => r.recordId);
  let replaced = 0;
  for (let i = 0; i < ids.length; i += IN_CHUNK) {
    const chunk = ids.slice(i, i + IN_CHUNK);
    await trx('identity_block_key').whereIn('record_id', chunk).delete();
    replaced += Number(await trx('identity_record').whereIn('record_id', chunk).delete());
  }
  await insertRecords(wh, trx, records);
  await insertKeys(wh, trx, keys);
  // Counted from what changed: a COUNT(*) reads the whole table, seconds at a million records.
  await trx('identity_key_state')
    .where({ state_id: 1 })
    .increment('records', records.length - replaced);
}

/**
 * Sizes of blocks over the whole warehouse: per (rule, key) given, the records holding it.
 * Looked up rule by rule on the (rule, block_key) index.
 */
export async function blockSizes(
  knex: Knex | Knex.Transaction,
  probes: ReadonlyMap<number, ReadonlySet<number>>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [rule, keys] of probes) {
    const list = [...keys];
    for (let i = 0; i < list.length; i += IN_CHUNK) {
      const rows = (await knex('identity_block_key')
        .where('rule', rule)
        .whereIn('block_key', list.slice(i, i + IN_CHUNK))
        .groupBy('block_key')
        .select('block_key', knex.raw('COUNT(*) AS n'))) as Array<{ block_key: unknown; n: unknown }>;
      for (const r of rows) out.set(blockId(rule, Number(r.block_key)), Number(r.n));
    }
  }
  return out;
}

/** Records holding any of the given keys of one rule each. */
export async function blockMembers(
  knex: Knex | Knex.Transaction,
  blocks: ReadonlyMap<number, ReadonlySet<number>>,
  into: Set<number>,
): Promise<void> {
  for (const [rule, keys] of blocks) {
    const list = [...keys];
    for (let i = 0; i < list.length; i += IN_CHUNK) {
      const rows = (await knex('identity_block_key')
        .where('rule', rule)
        .whereIn('block_key', list.slice(i, i + IN_CHUNK))
        .select('record_id')) as Array<{ record_id: unknown }>;
      for (const r of rows) into.add(Number(r.record_id));
    }
  }
}

export const blockId = (rule: number, key: number): string => `${rule}:${key}`;

/** Stored record rows as read back from identity_record. */
export function storedRecordOf(wh: Warehouse, r: Record<string, unknown>): StoredRecord {
  const instant = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v ?? ''));
  return {
    recordId: Number(r.record_id),
    source: String(r.source),
    sourceKey: String(r.source_key),
    kind: r.kind === 'order' ? 'order' : 'contact',
    fields: wh.adapter.parseJson(r.fields) as Record<string, string | null>,
    birthDate: r.birth_date === null || r.birth_date === undefined ? null : String(r.birth_date),
    matchKeys: wh.adapter.parseJson(r.match_keys) as MatchKeys,
    updatedAt: instant(r.updated_at),
    firstSeen: instant(r.first_seen),
  };
}
