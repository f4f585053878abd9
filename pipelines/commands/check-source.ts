import path from 'node:path';
import { ConfigError, SourceError } from '../../lib/errors.js';
import type { SourceConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { expandGlob } from '../sources.js';
import { formatTable } from '../table-format.js';
import { demoConfig, ensureDemoErp } from './run-pipeline.js';

interface CheckSummary {
  source: string;
  connector: string;
  ok: boolean;
  server?: string;
  readOnly?: boolean;
  streams?: Array<{ name: string; stream: string; ok: boolean; note: string; nullCursor?: number }>;
  files?: string[];
}

export async function checkCommand(ctx: CommandContext, name: string): Promise<void> {
  const found = ctx.loaded;
  const loaded = found ?? demoConfig();
  if (!found) await ensureDemoErp(ctx.logger);
  const src = Object.values(loaded.config.pipelines)
    .flatMap((p) => p.sources)
    .find((s) => s.name === name);
  if (!src) {
    const names = [
      ...new Set(Object.values(loaded.config.pipelines).flatMap((p) => p.sources.map((s) => s.name))),
    ];
    throw new ConfigError(`No source '${name}' in ${loaded.file}`, {
      hint: names.length ? `Its sources: ${names.join(', ')}` : 'It has no sources',
    });
  }
  const summary = await check(src, loaded.dir, ctx);
  ctx.output(summary, () => human(summary));
  if (!summary.ok) {
    throw new SourceError(`Source '${name}' failed its check`, { hint: 'See the notes above' });
  }
}

async function check(src: SourceConfig, baseDir: string, ctx: CommandContext): Promise<CheckSummary> {
  if (src.connector === 'erp') {
    const { checkErp } = await import('../../connectors/erp/check.js');
    const result = await checkErp(src, ctx.logger);
    return { connector: 'erp', ...result };
  }
  const patterns = Array.isArray(src.path) ? src.path : [src.path];
  const files = patterns.flatMap((p) => expandGlob(path.resolve(baseDir, p)));
  return { source: src.name, connector: src.connector, ok: files.length > 0, files };
}

function human(s: CheckSummary): string {
  const server = s.server
    ? ` — ${s.server}, ${s.readOnly ? 'read-only session' : 'session NOT read-only'}`
    : '';
  const lines = [`Source '${s.source}' (${s.connector}): ${s.ok ? 'OK' : 'FAILED'}${server}`];
  if (s.streams) {
    lines.push(
      formatTable(
        ['stream', 'stages into', 'status', 'note'],
        s.streams.map((c) => [
          c.name,
          `stg_${c.stream}`,
          c.ok ? 'ok' : 'FAILED',
          c.note + (c.nullCursor ? ` (${c.nullCursor} rows with an empty cursor are never read)` : ''),
        ]),
      ),
    );
  }
  if (s.files)
    lines.push(s.files.length ? s.files.map((f) => `  ${f}`).join('\n') : '  no file matches its path');
  return lines.join('\n');
}
