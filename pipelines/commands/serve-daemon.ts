import { ConfigError } from '../../lib/errors.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { migrateUnderLock } from '../../warehouse/migrate.js';
import type { CommandContext } from '../context.js';
import { startWebforms } from '../receiver/start.js';
import { interruptOnSignals } from '../scheduler/interrupt.js';
import { Redactor } from '../scheduler/redact.js';
import type { ServeOptions } from './serve.js';

export async function serve(ctx: CommandContext, opts: ServeOptions): Promise<void> {
  const loaded = ctx.loaded;
  const receiver = loaded?.config.receiver;
  if (!loaded || !receiver) {
    throw new ConfigError('crm-etl serve needs a config file with a receiver: section', {
      hint: 'Add receiver: { port: 8080, forms: [{ name: site, path: /forms/site, preset: tilda }] } (see README.md)',
    });
  }
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && (!/^\d+$/.test(opts.port!.trim()) || port > 65535))
    throw new ConfigError(`--port must be a whole number from 0 to 65535, not '${opts.port}'`);
  const logger = new Redactor(loaded.secrets).logger(ctx.logger, {});
  const interrupt = interruptOnSignals(logger);
  const wh = await openWarehouse(ctx.dbUrl, logger);
  try {
    await migrateUnderLock(wh, logger);
    const handle = await startWebforms({
      wh,
      receiver,
      baseDir: loaded.dir,
      defaultRegion: loaded.config.defaultRegion,
      logger,
      host: opts.host,
      port,
    });
    // One line on stdout for whoever started us (a supervisor, a test) to find the address.
    process.stdout.write(`listening on ${handle.url}\n`);
    if (!interrupt.signal.aborted)
      await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
    logger.info('receiver stopping: finishing the submissions in flight');
    await handle.stop();
  } finally {
    interrupt.dispose();
    await wh.close();
  }
}
