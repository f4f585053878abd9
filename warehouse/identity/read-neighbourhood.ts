import {
  BLOCKING_RULES,
  blockCap,
  blockKeysOf,
  type BlockCaps,
  type Population,
  type ResolveInput,
} from '../../transforms/identity/index.js';
import type { Knex } from 'knex';
import type { Warehouse } from '../connection.js';
import { listOverrides, overridesRemovedSince } from './overrides.js';
import {
  contactValues,
  CONTACT_COLUMNS,
  instant,
  ORDER_CUSTOMER_COLUMNS,
  orderCustomersSql,
  recordKey,
  text,
} from './read-inputs.js';
import {
  blockId,
  blockMembers,
  blockSizes,
  IN_CHUNK,
  readKeyState,
  storedRecordOf,
  upsertRecordKeys,
  type StoredRecord,
} from './record-keys.js';

/**
 * What an incremental resolve reads instead of every record: the records new or changed since the
 * last resolve, the stored records sharing a blocking key with them (blocks within their rule's
 * cap over the whole warehouse — maxBlockSize, or maxNameBlockSize for the rules on names alone —
 * found in SQL on identity_block_key), every other
 * record of those records' customers, and the records overrides name — with their stored match
 * keys, so only the changed records are normalized. Plus the warehouse-wide counts the resolver
 * needs to decide as it would on all records (block sizes, the whole-name frequency).
 */
export interface Neighbourhood {
  /** In record_id order; ids are identity_record.record_id. */
  records: ResolveInput[];
  stored: Map<number, StoredRecord>;
  idOf: Map<string, number>;
  changedIds: Set<number>;
  /** record id -> its customer before this run (records new to the warehouse have none). */
  existing: Map<number, number>;
  population: Population;
  /** Records in identity_record after the changed ones were written (the whole population). */
  total: number;
  seconds: { changes: number; keys: number; lookup: number; read: number };
}

const NAMES_RULE = BLOCKING_RULES.findIndex((r) => r.name === 'names');

/** Staged contacts and order-only customers changed since `since`, as records to store. */
async function readChanges(
  wh: Warehouse,
  since: Date,
): Promise<Array<Omit<StoredRecord, 'recordId' | 'matchKeys'>>> {
  const knex = wh.knex;
  const at = wh.adapter.timestamp(since) as Knex.Value;
  const out: Array<Omit<StoredRecord, 'recordId' | 'matchKeys'>> = [];
  const contacts = (await knex('stg_contact')
    .select('source', 'source_key', 'loaded_at', 'updated_at', 'birth_date_partial', ...CONTACT_COLUMNS)
    .where('updated_at', '>=', at)
    .orderBy(['source', 'source_key'])) as Array<Record<string, unknown>>;
  for (const r of contacts) {
    const { values, birthDate } = contactValues(r);
    out.push({
      source: String(r.source),
      sourceKey: String(r.source_key),
      kind: 'contact',
      fields: values,
      birthDate,
      updatedAt: instant(r.updated_at),
      firstSeen: instant(r.loaded_at),
    });
  }
  // Orders changed since: their customers' fields are MAX / MIN over all their orders, which the
  // stored fields of the earlier orders and the changed orders' aggregate give together.
  const grouped = wh.adapter.rows(await knex.raw(orderCustomersSql(wh, 'WHERE o.updated_at >= ?'), [at]));
  if (grouped.length === 0) return out;
  const keys = grouped.map((r) => ({ source: String(r.source), key: String(r.ref) }));
  const staged = new Set<string>(contacts.map((r) => recordKey(String(r.source), String(r.source_key))));
  const known = new Map<string, StoredRecord>();
  for (const r of await selectByKeys(wh, 'stg_contact', keys, (q) => q.select('r.source', 'r.source_key')))
    staged.add(recordKey(String(r.source), String(r.source_key)));
  for (const r of await selectByKeys(wh, 'identity_record', keys)) {
    const s = storedRecordOf(wh, r);
    known.set(recordKey(s.source, s.sourceKey), s);
  }
  grouped.forEach((r, i) => {
    const k = recordKey(keys[i]!.source, keys[i]!.key);
    if (staged.has(k)) return; // the order names a staged contact
    const before = known.get(k);
    const fields: Record<string, string | null> = {};
    for (const c of ORDER_CUSTOMER_COLUMNS) {
      const now = text(r[c]);
      const was = before?.fields[c] ?? null;
      fields[c] = was === null ? now : now === null || was > now ? was : now;
    }
    const firstSeen = instant(r.first_seen);
    out.push({
      source: keys[i]!.source,
      sourceKey: keys[i]!.key,
      kind: 'order',
      fields,
      birthDate: null,
      updatedAt: instant(r.updated_at),
      firstSeen: before && before.firstSeen < firstSeen ? before.firstSeen : firstSeen,
    });
  });
  return out;
}

/**
 * Rows of `table` (as `r`) with the given (source, source_key) pairs, a source at a time;
 * `shape` selects (and may join), by default every column.
 */
async function selectByKeys(
  wh: Warehouse,
  table: string,
  keys: ReadonlyArray<{ source: string; key: string }>,
  shape: (q: Knex.QueryBuilder) => Knex.QueryBuilder = (q) => q.select('r.*'),
): Promise<Array<Record<string, unknown>>> {
  const bySource = new Map<string, string[]>();
  for (const { source, key } of keys) {
    const list = bySource.get(source) ?? [];
    list.push(key);
    bySource.set(source, list);
  }
  const out: Array<Record<string, unknown>> = [];
  for (const [source, list] of bySource) {
    for (let i = 0; i < list.length; i += IN_CHUNK) {
      out.push(
        ...((await shape(
          wh
            .knex(`${table} as r`)
            .where('r.source', source)
            .whereIn('r.source_key', list.slice(i, i + IN_CHUNK)),
        )) as Array<Record<string, unknown>>),
      );
    }
  }
  return out;
}

async function selectByIds(
  wh: Warehouse,
  ids: Iterable<number>,
  query: (chunk: number[]) => Promise<Array<Record<string, unknown>>>,
): Promise<Array<Record<string, unknown>>> {
  const list = [...ids];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < list.length; i += IN_CHUNK) out.push(...(await query(list.slice(i, i + IN_CHUNK))));
  return out;
}

const inputOf = (s: StoredRecord): ResolveInput => ({
  id: s.recordId,
  source: s.source,
  sourceKey: s.sourceKey,
  ...s.fields,
  birth_date: s.birthDate,
  match_keys: s.matchKeys,
});

/**
 * Reads the neighbourhood of the records changed since `since` (see Neighbourhood), after storing
 * the changed records' fields, match keys and blocking keys.
 */
export async function readNeighbourhood(
  wh: Warehouse,
  since: Date,
  caps: BlockCaps,
  defaultRegion: string | undefined,
): Promise<Neighbourhood> {
  const knex = wh.knex;
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return Math.round(s * 100) / 100;
  };
  const changes = await readChanges(wh, since);
  const seconds = { changes: lap(), keys: 0, lookup: 0, read: 0 };

  // Record numbers: a changed record keeps its own, a new one gets the next free.
  const ids = new Map<string, number>();
  for (const r of await selectByKeys(
    wh,
    'identity_record',
    changes.map((c) => ({ source: c.source, key: c.sourceKey })),
    (q) => q.select('r.record_id', 'r.source', 'r.source_key'),
  ))
    ids.set(recordKey(String(r.source), String(r.source_key)), Number(r.record_id));
  let next =
    Number(((await knex('identity_record').max({ m: 'record_id' })) as Array<{ m: unknown }>)[0]?.m ?? -1) +
    1;
  const inputs: ResolveInput[] = changes.map((c) => {
    const k = recordKey(c.source, c.sourceKey);
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = next++));
    return { id, source: c.source, sourceKey: c.sourceKey, ...c.fields, birth_date: c.birthDate };
  });
  const keys = blockKeysOf(inputs, defaultRegion);
  const changed: StoredRecord[] = changes.map((c, i) => ({
    ...c,
    recordId: inputs[i]!.id,
    matchKeys: keys.matchKeys[i]!,
  }));
  await knex.transaction((trx) =>
    upsertRecordKeys(wh, trx, changed, {
      recordId: Array.from(keys.record, (pos) => inputs[pos]!.id),
      rule: keys.rule,
      key: keys.key,
      length: keys.key.length,
    }),
  );
  seconds.keys = lap();

  // Candidates: holders of the changed records' keys, in blocks within the cap.
  const probes = new Map<number, Set<number>>();
  for (let k = 0; k < keys.key.length; k++) {
    const rule = keys.rule[k]!;
    let set = probes.get(rule);
    if (!set) probes.set(rule, (set = new Set()));
    set.add(keys.key[k]!);
  }
  const sizes = await blockSizes(knex, probes);
  const small = new Map<number, Set<number>>();
  for (const [rule, set] of probes) {
    // A block over its cap is not expanded by the resolver either: its holders are no candidates.
    const cap = blockCap(BLOCKING_RULES[rule]!, caps);
    const within = new Set([...set].filter((key) => (sizes.get(blockId(rule, key)) ?? 0) <= cap));
    if (within.size) small.set(rule, within);
  }
  const changedIds = new Set(changed.map((c) => c.recordId));
  const wanted = new Set<number>(changedIds);
  await blockMembers(knex, small, wanted);

  // Records overrides name (in force, or taken back since the last run) are compared every run.
  const overrides = [...(await listOverrides(wh)), ...(await overridesRemovedSince(wh, since))];
  const named = overrides.flatMap((o) => [
    { source: o.a.source, key: o.a.sourceKey },
    { source: o.b.source, key: o.b.sourceKey },
  ]);
  for (const r of await selectByKeys(wh, 'identity_record', named, (q) => q.select('r.record_id'))) {
    wanted.add(Number(r.record_id));
    changedIds.add(Number(r.record_id));
  }

  seconds.lookup = lap();

  // The records found, each with its customer in the same pass (one probe of the crosswalk per
  // record, where a look-up of customers and then of every record again took three).
  const stored = new Map<number, StoredRecord>();
  const existing = new Map<number, number>();
  const customers = new Set<number>();
  const idOf = new Map<string, number>();
  // Whole-name frequencies over the warehouse need the `names` key of every record read: it comes
  // with the record (a record has at most one per rule; a repeat would only repeat the row).
  const namesKeys = new Set<number>();
  const keep = (r: Record<string, unknown>, customer: unknown): void => {
    if (r.names_key !== null && r.names_key !== undefined) namesKeys.add(Number(r.names_key));
    const s = storedRecordOf(wh, r);
    stored.set(s.recordId, s);
    idOf.set(recordKey(s.source, s.sourceKey), s.recordId);
    if (customer === null || customer === undefined) return;
    customers.add(Number(customer));
    existing.set(s.recordId, Number(customer));
  };
  for (const r of await selectByIds(
    wh,
    [...wanted].sort((x, y) => x - y),
    async (chunk) =>
      (await knex('identity_record as r')
        .leftJoin('customer_crosswalk as c', function () {
          this.on('c.source', '=', 'r.source').andOn('c.source_key', '=', 'r.source_key');
        })
        .leftJoin('identity_block_key as k', function () {
          this.on('k.record_id', '=', 'r.record_id').andOnVal('k.rule', '=', NAMES_RULE);
        })
        .whereIn('r.record_id', chunk)
        .select('r.*', 'c.customer_id', 'k.block_key as names_key')) as Array<Record<string, unknown>>,
  ))
    keep(r, r.customer_id);

  // Their customers, whole: clustering checks every member of two customers before a merge. The
  // crosswalk names the members; only those not read yet are read.
  const mates: Array<{ source: string; key: string }> = [];
  const mateCustomer = new Map<string, number>();
  for (const r of await selectByIds(
    wh,
    customers,
    async (chunk) =>
      (await knex('customer_crosswalk')
        .whereIn('customer_id', chunk)
        .select('source', 'source_key', 'customer_id')) as Array<Record<string, unknown>>,
  )) {
    const k = recordKey(String(r.source), String(r.source_key));
    if (idOf.has(k)) continue;
    mates.push({ source: String(r.source), key: String(r.source_key) });
    mateCustomer.set(k, Number(r.customer_id));
  }
  for (const r of await selectByKeys(wh, 'identity_record', mates, (q) =>
    q
      .leftJoin('identity_block_key as k', function () {
        this.on('k.record_id', '=', 'r.record_id').andOnVal('k.rule', '=', NAMES_RULE);
      })
      .select('r.*', 'k.block_key as names_key'),
  ))
    keep(r, mateCustomer.get(recordKey(String(r.source), String(r.source_key))));
  const records = [...stored.values()].sort((a, b) => a.recordId - b.recordId).map(inputOf);

  const unsized = new Map<number, Set<number>>([[NAMES_RULE, namesKeys]]);
  for (const key of sizes.keys())
    if (key.startsWith(`${NAMES_RULE}:`)) namesKeys.delete(Number(key.slice(key.indexOf(':') + 1)));
  for (const [k, n] of await blockSizes(knex, unsized)) sizes.set(k, n);
  const namesPresent = Number(
    (
      (await knex('identity_block_key').where('rule', NAMES_RULE).count({ n: '*' })) as Array<{ n: unknown }>
    )[0]?.n ?? 0,
  );
  const total = (await readKeyState(wh))?.records ?? 0;
  seconds.read = lap();
  return {
    records,
    stored,
    idOf,
    changedIds,
    existing,
    population: { blockSize: (rule, key) => sizes.get(blockId(rule, key)), namesPresent },
    total,
    seconds,
  };
}
