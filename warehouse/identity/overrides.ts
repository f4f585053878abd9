import { ConfigError } from '../../lib/errors.js';
import type { Warehouse } from '../connection.js';
import { formatRecord, type RecordId } from './record-ref.js';
import { contradiction } from './override-graph.js';

export type OverrideKind = 'same' | 'different';

/** An operator's word on two source records, kept by every later resolve. */
export interface MatchOverride {
  kind: OverrideKind;
  a: RecordId;
  b: RecordId;
  note?: string;
  /** Who said so (the OS user running the command). */
  createdBy: string;
}

/** A stored override, as `crm-etl overrides` lists it. */
export interface StoredOverride {
  id: number;
  kind: OverrideKind;
  a: RecordId;
  b: RecordId;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  removedAt: string | null;
  removedBy: string | null;
}

const instant = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

function fromRow(r: Record<string, unknown>): StoredOverride {
  return {
    id: Number(r.override_id),
    kind: r.kind === 'same' ? 'same' : 'different',
    a: { source: String(r.source_a), sourceKey: String(r.source_key_a) },
    b: { source: String(r.source_b), sourceKey: String(r.source_key_b) },
    note: r.note === null || r.note === undefined ? null : String(r.note),
    createdBy: r.created_by === null || r.created_by === undefined ? null : String(r.created_by),
    createdAt: instant(r.created_at) ?? '',
    removedAt: instant(r.removed_at),
    removedBy: r.removed_by === null || r.removed_by === undefined ? null : String(r.removed_by),
  };
}

/** One line naming an override, for messages and the merge log. */
export function describeOverride(o: Pick<StoredOverride, 'id' | 'kind' | 'a' | 'b'>): string {
  return `#${o.id} ${o.kind} ${formatRecord(o.a)} ${o.kind === 'same' ? '=' : '≠'} ${formatRecord(o.b)}`;
}

/** Overrides in force (not removed), oldest first; with `all`, removed ones too. */
export async function listOverrides(
  wh: Warehouse,
  options: { all?: boolean } = {},
): Promise<StoredOverride[]> {
  const q = wh.knex('match_override').orderBy('override_id');
  if (!options.all) q.whereNull('removed_at');
  return ((await q) as Array<Record<string, unknown>>).map(fromRow);
}

const sameRecord = (x: RecordId, y: RecordId) => x.source === y.source && x.sourceKey === y.sourceKey;
const samePair = (o: StoredOverride, a: RecordId, b: RecordId) =>
  (sameRecord(o.a, a) && sameRecord(o.b, b)) || (sameRecord(o.a, b) && sameRecord(o.b, a));

/**
 * Records an override after checking it against the ones in force: two distinct records (the
 * caller has found both), and no contradiction — neither the opposite word on the same pair nor
 * one that follows from a chain of "same" overrides. A repeat of an override in force is not
 * stored twice: its id is returned with `existing: true`.
 */
export async function recordOverride(
  wh: Warehouse,
  override: MatchOverride,
): Promise<{ id: number; existing: boolean }> {
  const { a, b, kind } = override;
  if (sameRecord(a, b))
    throw new ConfigError(`Both sides name the same record, ${formatRecord(a)}`, {
      hint: 'An override is about two different records: name the other one',
    });
  return wh.knex.transaction(async (trx) => {
    const inForce = (
      (await trx('match_override').whereNull('removed_at').orderBy('override_id')) as Array<
        Record<string, unknown>
      >
    ).map(fromRow);
    const repeat = inForce.find((o) => o.kind === kind && samePair(o, a, b));
    if (repeat) return { id: repeat.id, existing: true };
    const against = contradiction(inForce, kind, a, b);
    if (against) {
      const [first] = against.overrides;
      const named = against.overrides.map(describeOverride).join(', ');
      throw new ConfigError(
        against.overrides.length === 1
          ? `Refused: override ${named} (by ${first!.createdBy ?? 'unknown'}, ${first!.createdAt.slice(0, 16).replace('T', ' ')}) says ${kind === 'same' ? 'they are different customers' : 'they are the same customer'}`
          : `Refused: the overrides ${named} together say ${kind === 'same' ? 'these records are different customers' : 'these records are the same customer'}`,
        {
          hint: `If ${against.overrides.length === 1 ? 'it is' : 'one of them is'} wrong, remove it first with crm-etl overrides remove ${against.overrides.map((o) => o.id).join(' or ')}`,
        },
      );
    }
    const inserted = (await trx('match_override').insert(
      {
        kind,
        source_a: a.source,
        source_key_a: a.sourceKey,
        source_b: b.source,
        source_key_b: b.sourceKey,
        note: override.note ?? null,
        created_by: override.createdBy,
      },
      ['override_id'],
    )) as Array<number | { override_id: number }>;
    const first = inserted[0];
    const id = typeof first === 'object' ? Number(first.override_id) : Number(first);
    return { id, existing: false };
  });
}

/**
 * Takes an override back: it stays in match_override, marked removed (who, when), so the
 * history is kept and the next resolve compares its two records afresh.
 */
export async function removeOverride(wh: Warehouse, id: number, removedBy: string): Promise<StoredOverride> {
  return wh.knex.transaction(async (trx) => {
    const row = (await trx('match_override').where({ override_id: id }).first()) as
      Record<string, unknown> | undefined;
    if (!row)
      throw new ConfigError(`No override #${id}`, { hint: 'crm-etl overrides lists them with their ids' });
    const found = fromRow(row);
    if (found.removedAt)
      throw new ConfigError(
        `Override #${id} was removed already (by ${found.removedBy ?? 'unknown'}, ${found.removedAt.slice(0, 16).replace('T', ' ')})`,
        { hint: 'crm-etl overrides lists the ones in force' },
      );
    await trx('match_override')
      .where({ override_id: id })
      .update({ removed_at: trx.raw(wh.adapter.now()), removed_by: removedBy });
    return fromRow(
      (await trx('match_override').where({ override_id: id }).first()) as Record<string, unknown>,
    );
  });
}

/** Overrides removed at or after `since` (warehouse time): their records are compared again. */
export async function overridesRemovedSince(wh: Warehouse, since: Date): Promise<StoredOverride[]> {
  // Few rows; compared as instants here, since each engine hands datetimes back in its own form.
  const rows = (await wh.knex('match_override').whereNotNull('removed_at').orderBy('override_id')) as Array<
    Record<string, unknown>
  >;
  return rows.map(fromRow).filter((o) => new Date(o.removedAt!).getTime() >= since.getTime());
}
