import os from 'node:os';
import { ConfigError } from '../../lib/errors.js';
import { explainCustomer } from '../../warehouse/identity/explain.js';
import {
  describeOverride,
  listOverrides,
  recordOverride,
  removeOverride,
  type StoredOverride,
} from '../../warehouse/identity/overrides.js';
import { findRecord, formatRecord } from '../../warehouse/identity/record-ref.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { assertMigrated, migrateExisting } from '../../warehouse/migrate.js';
import { finishRun, startRun } from '../../warehouse/runs.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../../lib/table-format.js';
import { phaseProgress } from '../progress.js';

/** The phases of a resolve, in order (resolve-warehouse.ts and transforms/identity/resolve.ts). */
const RESOLVE_PHASES = [
  'read',
  'prepare',
  'blocking',
  'compare',
  'train',
  'score',
  'cluster',
  'ids',
  'golden',
  'write',
] as const;

export async function resolveCommand(
  ctx: CommandContext,
  opts: { full?: boolean; region?: string; progress?: boolean },
): Promise<void> {
  const sourcePriority = ctx.loaded?.config.identity.sourcePriority;
  const progress = phaseProgress(ctx, 'resolve', RESOLVE_PHASES, opts.progress);
  const summary = await ctx.withWarehouse(async (wh) => {
    await migrateExisting(wh);
    const runId = await startRun(wh, 'resolve');
    try {
      const s = await resolveWarehouse(wh, {
        full: opts.full,
        runId,
        defaultRegion: (opts.region ?? ctx.loaded?.config.defaultRegion ?? 'RU').toUpperCase(),
        sourcePriority,
        logger: ctx.logger,
        onProgress: progress.report,
      });
      progress.stop();
      await finishRun(wh, runId, 'succeeded', { resolve: s });
      return s;
    } catch (err) {
      progress.stop();
      await finishRun(wh, runId, 'failed', {}, (err as Error).message).catch(() => undefined);
      throw err;
    }
  });
  ctx.output(summary, () =>
    [
      `Resolved ${summary.records} source records (${summary.mode}, ${summary.changedRecords} compared) into ${summary.customers} customers: ` +
        `${summary.newCustomers} new, ${summary.merges} merged, ${summary.splits} split; ${summary.candidatePairs} candidate pairs.`,
      formatTable(
        ['blocking rule', 'pairs', 'blocks', 'skipped blocks'],
        summary.blocking.map((b) => [b.rule, b.pairs, b.blocks, b.skippedBlocks]),
      ),
      formatTable(
        ['identifier', 'links', 'shared values refused', 'vetoed'],
        summary.guards.map((g) => [g.rule, g.links, g.sharedValues, g.vetoed]),
      ),
      // The first run after an upgrade that changed how names or addresses are keyed: it stores
      // new keys for every record but compares only the changed ones, so older records meet under
      // the new reading only after a full run — the user has to know to ask for one.
      ...(summary.keys === 'all (key definition changed)'
        ? [
            'Match and blocking keys were stored by an older release: all recomputed. Records resolved ' +
              'before are compared under them only by `crm-etl resolve --full`.',
          ]
        : []),
    ].join('\n\n'),
  );
}

export async function explainCommand(ctx: CommandContext, raw: string): Promise<void> {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ConfigError(`'${raw}' is not a customer id`, {
      hint: 'Pass a dim_customer.customer_id, e.g. crm-etl explain 42',
    });
  const found = await ctx.withWarehouse(async (wh) => {
    await assertMigrated(wh);
    return explainCustomer(wh, id);
  });
  if (!found)
    throw new ConfigError(`No customer ${id} in dim_customer`, {
      hint: 'Run crm-etl resolve first, or check the id',
    });
  ctx.output(found, () => {
    const c = found.customer;
    const lines = [
      `Customer ${id}: ${String(c.full_name ?? c.company ?? '')} | ${String(c.email ?? '-')} | ${String(c.phone ?? '-')} | ${String(c.city ?? '-')} — ${found.records.length} source record(s)`,
    ];
    for (const r of found.records) {
      lines.push('', `  ${r.source}:${r.source_key} (${r.table}) ${JSON.stringify(r.fields)}`);
      lines.push(
        `    linked by ${r.match_rule === 'must_link' ? 'operator override' : r.match_rule}${r.match_score === null ? '' : `, score ${r.match_score.toFixed(3)}`}${r.matched_with ? ` with ${r.matched_with}` : ''}${r.weight === null ? '' : `, weight ${r.weight.toFixed(2)}`}`,
      );
      // The field weights are the scorer's; a names-only link's score is lowered for namesakes.
      if (r.namesOnly)
        lines.push(
          "    on names alone: the score is the whole name's evidence, lowered for the namesakes this run measured — not the sum of the weights below",
        );
      for (const cmp of r.comparisons.filter((x) => x.level !== 'missing'))
        lines.push(
          `      ${cmp.field.padEnd(12)} ${cmp.level.padEnd(12)} ${cmp.weight >= 0 ? '+' : ''}${cmp.weight.toFixed(2)}`,
        );
      for (const s of r.sharedIdentifiers)
        lines.push(`    ${s.field} not used to link: shared — ${s.reason} (${s.holders} record(s) hold it)`);
    }
    if (found.overrides.length) {
      lines.push('', 'overrides:');
      for (const o of found.overrides)
        lines.push(
          `  ${describeOverride(o)} (by ${o.createdBy ?? 'unknown'}, ${o.createdAt.slice(0, 16).replace('T', ' ')}${o.note ? `: ${o.note}` : ''})` +
            (o.kind === 'different' && o.otherCustomerId !== null && o.otherCustomerId !== id
              ? ` — the other record is customer ${o.otherCustomerId}`
              : ''),
        );
    }
    if (found.merges.length) {
      lines.push('', 'history:');
      for (const m of found.merges)
        lines.push(
          `  ${String(m.kind)}: ${String(m.surviving_id)} <- ${String(m.absorbed_id)} (${String(m.reason ?? '')})`,
        );
    }
    return lines.join('\n');
  });
}

export async function overrideCommand(
  ctx: CommandContext,
  kind: 'same' | 'different',
  a: string,
  b: string,
  note?: string,
): Promise<void> {
  const done = await ctx.withWarehouse(async (wh) => {
    await migrateExisting(wh);
    const ra = await findRecord(wh, a);
    const rb = await findRecord(wh, b);
    if (formatRecord(ra) === formatRecord(rb))
      throw new ConfigError(
        a === b
          ? `'${a}' is named twice: an override is about two different records`
          : `'${a}' and '${b}' are the same record, ${formatRecord(ra)}: an override is about two different records`,
        { hint: 'Name the other record' },
      );
    const r = await recordOverride(wh, { kind, a: ra, b: rb, note, createdBy: os.userInfo().username });
    return { ...r, a: ra, b: rb };
  });
  const [fa, fb] = [formatRecord(done.a), formatRecord(done.b)];
  ctx.output(
    { id: done.id, existing: done.existing, kind, a: fa, b: fb, note: note ?? null },
    () =>
      `${done.existing ? `Already recorded as override #${done.id}` : `Recorded override #${done.id}`}: ${fa} and ${fb} are ${kind === 'same' ? 'the same customer' : 'different customers'}. ` +
      `The next crm-etl resolve applies it; crm-etl overrides remove ${done.id} takes it back.`,
  );
}

const overrideRow = (o: StoredOverride) => [
  o.id,
  o.kind,
  formatRecord(o.a),
  formatRecord(o.b),
  o.createdBy ?? '',
  o.createdAt.slice(0, 16).replace('T', ' '),
  o.removedAt ? `${o.removedAt.slice(0, 16).replace('T', ' ')} by ${o.removedBy ?? 'unknown'}` : '',
  o.note ?? '',
];

export async function overridesCommand(ctx: CommandContext, opts: { all?: boolean }): Promise<void> {
  const overrides = await ctx.withWarehouse(async (wh) => {
    await assertMigrated(wh);
    return listOverrides(wh, opts);
  });
  ctx.output({ overrides }, () =>
    overrides.length === 0
      ? `No overrides${opts.all ? '' : ' in force'}. Record one with crm-etl same <record> <record> or crm-etl different <record> <record>.`
      : formatTable(
          ['id', 'kind', 'record', 'record', 'by', 'when (UTC)', ...(opts.all ? ['removed'] : []), 'note'],
          overrides.map((o) => {
            const row = overrideRow(o);
            return opts.all ? row : [...row.slice(0, 6), row[7]!];
          }),
        ),
  );
}

export async function removeOverrideCommand(ctx: CommandContext, raw: string): Promise<void> {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ConfigError(`'${raw}' is not an override id`, {
      hint: 'crm-etl overrides lists them with their ids',
    });
  const removed = await ctx.withWarehouse(async (wh) => {
    await migrateExisting(wh);
    return removeOverride(wh, id, os.userInfo().username);
  });
  ctx.output(
    { removed },
    () =>
      `Removed override ${describeOverride(removed)}. The next crm-etl resolve compares the two records afresh.`,
  );
}
