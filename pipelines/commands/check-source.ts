import { connectorFor } from '../../connectors/index.js';
import { ConfigError, SourceError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { demoConfig, ensureDemoErp } from './run-pipeline.js';

/** `crm-etl check <source>`: the source's connector connects and reports what it sees. */
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
  const result = await connectorFor(src.connector).check(src, {
    baseDir: loaded.dir,
    defaultRegion: loaded.config.defaultRegion,
    logger: ctx.logger,
  });
  ctx.output(result.json, () => result.text);
  if (!result.ok) {
    throw new SourceError(`Source '${name}' failed its check`, { hint: 'See the notes above' });
  }
}
