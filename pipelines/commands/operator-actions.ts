import { stringify } from 'csv-stringify/sync';
import { ConfigError } from '../../lib/errors.js';
import { formatTable } from '../../lib/table-format.js';
import { searchCustomers } from '../../warehouse/customer-search.js';
import { listQuarantine } from '../../warehouse/quarantine-report.js';
import { warehouseStatus, type WarehouseStatus } from '../../warehouse/status.js';
import { describeFit } from '../../warehouse/marts/incremental/state.js';
import { assertMigrated } from '../../warehouse/migrate.js';
import { csvSafe } from '../../transforms/normalize/text.js';
import type { CommandContext } from '../context.js';
import { overdueSchedules } from '../scheduler/overdue.js';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

export async function statusCommand(ctx: CommandContext): Promise<void> {
  const status = await ctx.withWarehouse((wh) => warehouseStatus(wh));
  const config = ctx.loaded?.config;
  const schedules = Object.entries(config?.pipelines ?? {})
    .filter(([, p]) => p.schedule)
    .map(([pipeline, p]) => ({ pipeline, schedule: p.schedule!, timezone: p.timezone }));
  const lastSuccess = new Map(status.pipelines.map((p) => [p.pipeline, p.last_success_at]));
  const overdue = overdueSchedules(schedules, lastSuccess, new Date());
  ctx.output({ ...status, schedules, overdue }, () => {
    const s = status.schema;
    const out = [
      `Warehouse  ${status.warehouse} (${status.engine})`,
      `Schema     ${s.applied ?? 'not created'}${s.pending > 0 ? ` — ${s.pending} migration(s) pending: run crm-etl migrate` : ' (up to date)'}`,
      '',
      formatTable(
        ['table', 'rows'],
        status.tables.map((t) => [t.table, t.rows === null ? 'missing' : t.rows]),
      ),
      '',
      status.pipelines.length === 0
        ? 'No runs yet.'
        : formatTable(
            ['pipeline', 'last run', 'status', 'started (UTC)', 'last success (UTC)', 'error'],
            status.pipelines.map((p) => [
              p.pipeline,
              p.last_run,
              p.status,
              when(p.started_at),
              when(p.last_success_at),
              p.error ? p.error.slice(0, 60) : '',
            ]),
          ),
      '',
      ...martsLines(status.marts),
      status.quarantine.length === 0
        ? 'Quarantine: empty.'
        : formatTable(
            ['quarantined from', 'rows', 'newest (UTC)'],
            status.quarantine.map((q) => [q.source, q.rows, when(q.latest)]),
          ) + '\n(see them with crm-etl quarantine --source <name>)',
      '',
      schedules.length === 0
        ? 'Schedules: none in the config.'
        : overdue.length === 0
          ? `Schedules: ${schedules.length}, none overdue.`
          : formatTable(
              ['OVERDUE pipeline', 'schedule', 'should have run (UTC)', 'last success (UTC)'],
              overdue.map((o) => [o.pipeline, o.schedule, when(o.expected_at), when(o.last_success_at)]),
            ),
    ];
    return out.join('\n');
  });
}

/** The last marts build and the CLV models in use, for status. */
function martsLines(marts: WarehouseStatus['marts']): string[] {
  if (!marts?.lastBuild) return ['Marts      not built yet (crm-etl marts)', ''];
  const b = marts.lastBuild;
  return [
    `Marts      ${b.mode} build ${when(b.builtAt)} UTC, as of ${b.asOf}`,
    ...(marts.clv ? [`CLV models ${describeFit(marts.clv)}`] : []),
    '',
  ];
}

export async function quarantineCommand(
  ctx: CommandContext,
  opts: { source?: string; reason?: string; limit: number; csv?: boolean },
): Promise<void> {
  const rows = await ctx.withWarehouse(async (wh) => {
    await assertMigrated(wh);
    return listQuarantine(wh, { source: opts.source, reason: opts.reason, limit: opts.limit || undefined });
  });
  if (opts.csv) {
    process.stdout.write(
      // Opened in a spreadsheet: a cell it would execute is written with a leading quote.
      stringify(
        rows.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? csvSafe(v) : v])),
        ),
        {
          header: true,
          columns: ['id', 'source', 'stream', 'run_id', 'file', 'line', 'reason', 'raw', 'created_at'],
        },
      ),
    );
    return;
  }
  ctx.output({ rows }, () =>
    rows.length === 0
      ? `Nothing quarantined${opts.source ? ` from ${opts.source}` : ''}${opts.reason ? ` with a reason containing "${opts.reason}"` : ''}.`
      : formatTable(
          ['id', 'source', 'stream', 'file:line', 'reason', 'when (UTC)'],
          rows.map((r) => [
            r.id,
            r.source,
            r.stream ?? '',
            r.file ? `${r.file.split('/').pop()}${r.line === null ? '' : `:${r.line}`}` : '',
            r.reason.length > 90 ? `${r.reason.slice(0, 89)}…` : r.reason,
            when(r.created_at),
          ]),
        ) +
        (rows.length === opts.limit
          ? `\n(first ${opts.limit}; --limit 0 for all, --csv for the raw lines)`
          : ''),
  );
}

export async function customersCommand(ctx: CommandContext, search: string, limit: number): Promise<void> {
  if (search.trim().length < 2)
    throw new ConfigError('Search for at least 2 characters of a name, e-mail or phone');
  const hits = await ctx.withWarehouse(async (wh) => {
    await assertMigrated(wh);
    return searchCustomers(wh, search, limit);
  });
  ctx.output({ customers: hits }, () =>
    hits.length === 0
      ? `No customer matches "${search}".`
      : formatTable(
          ['id', 'name', 'company', 'email', 'phone', 'city', 'source records'],
          hits.map((h) => [
            h.customer_id,
            h.full_name ?? '',
            h.company ?? '',
            h.email ?? '',
            h.phone ?? '',
            h.city ?? '',
            h.records.join(', '),
          ]),
        ),
  );
}
