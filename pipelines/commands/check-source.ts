import { connectorFor } from '../../connectors/index.js';
import { webformConnector } from '../../connectors/webform/connector.js';
import { ConfigError, SourceError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { demoConfig, ensureDemoErp } from './run-pipeline.js';

/** `crm-etl check <source>`: the source's connector connects and reports what it sees. */
export async function checkCommand(ctx: CommandContext, name: string): Promise<void> {
  const found = ctx.loaded;
  const loaded = found ?? demoConfig();
  if (!found) await ensureDemoErp(ctx.logger);
  if (name === 'receiver' && !hasSource(loaded.config, name)) return checkReceiver(ctx, loaded);
  const src = Object.values(loaded.config.pipelines)
    .flatMap((p) => p.sources)
    .find((s) => s.name === name);
  if (!src) {
    const names = [
      ...new Set(Object.values(loaded.config.pipelines).flatMap((p) => p.sources.map((s) => s.name))),
    ];
    const all = [...names, ...(loaded.config.receiver ? ['receiver (the web-form receiver)'] : [])];
    throw new ConfigError(`No source '${name}' in ${loaded.file}`, {
      hint: all.length ? `Its sources: ${all.join(', ')}` : 'It has no sources',
    });
  }
  const result = await (
    await connectorFor(src.connector)
  ).check(src, {
    baseDir: loaded.dir,
    defaultRegion: loaded.config.defaultRegion,
    logger: ctx.logger,
  });
  ctx.output(result.json, () => result.text);
  if (!result.ok) {
    throw new SourceError(`Source '${name}' failed its check`, { hint: 'See the notes above' });
  }
}

type Loaded = NonNullable<CommandContext['loaded']>;

function hasSource(config: Loaded['config'], name: string): boolean {
  return Object.values(config.pipelines).some((p) => p.sources.some((s) => s.name === name));
}

/** `crm-etl check receiver`: the receiver's forms, their secrets (set or not), its port and spool. */
async function checkReceiver(ctx: CommandContext, loaded: Loaded): Promise<void> {
  const receiver = loaded.config.receiver;
  if (!receiver)
    throw new ConfigError(`${loaded.file} has no receiver: section`, {
      hint: 'Add receiver: { port: 8080, forms: [{ name: site, path: /forms/site, preset: tilda }] } (see README.md)',
    });
  const result = await webformConnector.check(
    { ...receiver, connector: 'webform', name: 'receiver' },
    { baseDir: loaded.dir, defaultRegion: loaded.config.defaultRegion, logger: ctx.logger },
  );
  ctx.output({ source: 'receiver', ok: result.ok, ...result.json }, () => result.text);
  if (!result.ok)
    throw new SourceError('The web-form receiver failed its check', { hint: 'See the notes above' });
}
