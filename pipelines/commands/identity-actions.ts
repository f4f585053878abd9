import os from 'node:os';
import { ConfigError } from '../../lib/errors.js';
import { explainCustomer } from '../../warehouse/identity/explain.js';
import { recordOverride } from '../../warehouse/identity/overrides.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { assertMigrated, migrateExisting } from '../../warehouse/migrate.js';
import { finishRun, startRun } from '../../warehouse/runs.js';
import type { CommandContext } from '../context.js';
import { formatTable } from '../../lib/table-format.js';

export async function resolveCommand(
  ctx: CommandContext,
  opts: { full?: boolean; region?: string },
): Promise<void> {
  const sourcePriority = ctx.loaded?.config.identity.sourcePriority;
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
      });
      await finishRun(wh, runId, 'succeeded', { resolve: s });
      return s;
    } catch (err) {
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
        `    linked by ${r.match_rule}${r.match_score === null ? '' : `, score ${r.match_score.toFixed(3)}`}${r.matched_with ? ` with ${r.matched_with}` : ''}${r.weight === null ? '' : `, weight ${r.weight.toFixed(2)}`}`,
      );
      for (const cmp of r.comparisons.filter((x) => x.level !== 'missing'))
        lines.push(
          `      ${cmp.field.padEnd(12)} ${cmp.level.padEnd(12)} ${cmp.weight >= 0 ? '+' : ''}${cmp.weight.toFixed(2)}`,
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

function parseRecordRef(ref: string): [string, string] {
  const i = ref.indexOf(':');
  if (i <= 0 || i === ref.length - 1)
    throw new ConfigError(`'${ref}' is not a record reference`, {
      hint: 'Write source:source_key, e.g. sales-sheets:К-1001',
    });
  return [ref.slice(0, i), ref.slice(i + 1)];
}

export async function overrideCommand(
  ctx: CommandContext,
  kind: 'same' | 'different',
  a: string,
  b: string,
  note?: string,
): Promise<void> {
  const [sa, ka] = parseRecordRef(a);
  const [sb, kb] = parseRecordRef(b);
  await ctx.withWarehouse(async (wh) => {
    await migrateExisting(wh);
    await recordOverride(wh, {
      kind,
      a: { source: sa, sourceKey: ka },
      b: { source: sb, sourceKey: kb },
      note,
      createdBy: os.userInfo().username,
    });
  });
  ctx.output(
    { kind, a, b, note: note ?? null },
    () =>
      `Recorded: ${a} and ${b} are ${kind === 'same' ? 'the same customer' : 'different customers'}. The next crm-etl resolve applies it.`,
  );
}
