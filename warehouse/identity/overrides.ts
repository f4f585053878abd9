import type { Warehouse } from '../connection.js';

/** An operator's word on two source records, kept by every later resolve. */
export interface MatchOverride {
  kind: 'same' | 'different';
  a: { source: string; sourceKey: string };
  b: { source: string; sourceKey: string };
  note?: string;
  /** Who said so (the OS user running the command). */
  createdBy: string;
}

/** Records an override; the next resolve applies it. */
export async function recordOverride(wh: Warehouse, override: MatchOverride): Promise<void> {
  await wh.knex('match_override').insert({
    kind: override.kind,
    source_a: override.a.source,
    source_key_a: override.a.sourceKey,
    source_b: override.b.source,
    source_key_b: override.b.sourceKey,
    note: override.note ?? null,
    created_by: override.createdBy,
  });
}
