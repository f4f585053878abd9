import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../lib/errors.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { migrateUnderLock } from '../../warehouse/migrate.js';
import type { LoadedConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { recoverDeadRuns } from '../runner.js';
import { Scheduler } from '../scheduler/daemon.js';
import { interruptOnSignals } from '../scheduler/interrupt.js';
import { launchRun } from '../scheduler/launch.js';
import { Redactor } from '../scheduler/redact.js';
import { RunMetrics } from '../scheduler/run-metrics.js';
import { startStatusServer } from '../scheduler/status-server.js';
import { callWebhook } from '../scheduler/webhook.js';
import { startWebforms } from '../receiver/start.js';

import type { ScheduleOptions } from './schedule.js';

export async function schedule(ctx: CommandContext, opts: ScheduleOptions): Promise<void> {
  const loaded = ctx.loaded;
  if (!loaded) {
    throw new ConfigError('crm-etl schedule needs a config file with pipelines', {
      hint: 'Pass --config <file> or create crm-etl.config.yaml (see README.md)',
    });
  }
  const pipelines = Scheduler.scheduled(loaded);
  const receiver = loaded.config.receiver;
  if (pipelines.length === 0 && !receiver) {
    throw new ConfigError(`No pipeline in ${loaded.file} has a schedule`, {
      hint: 'Add schedule: "0 3 * * *" (cron syntax) to a pipeline, or a receiver: section to serve web forms',
    });
  }
  const settings = resolveSettings(loaded, opts);
  const logger = new Redactor(loaded.secrets).logger(ctx.logger, {});
  const dbUrl = ctx.dbUrl;

  // Signals count from here: a SIGTERM while starting up still ends in an orderly stop.
  const interrupt = interruptOnSignals(logger);
  const wh = await openWarehouse(dbUrl, logger);
  try {
    await migrateUnderLock(wh, logger);
    const metrics = new RunMetrics(pipelines);
    const hook = loaded.config.scheduler.webhook;
    const scheduler = new Scheduler({
      loaded,
      wh,
      logger,
      metrics,
      launch: (name) =>
        launchRun(name, {
          cliPath: fileURLToPath(new URL('../cli.js', import.meta.url)),
          configFile: loaded.file,
          dbUrl,
          verbose: Boolean(ctx.options.verbose),
          graceMs: settings.graceSeconds * 1000,
          wh,
          logger,
        }),
      onFailure: hook ? (payload) => callWebhook(hook, payload, logger) : undefined,
    });
    for (const name of pipelines) {
      const marked = await recoverDeadRuns(wh, name);
      if (marked) logger.warn({ pipeline: name, runs: marked }, 'marked runs of dead processes failed');
      await scheduler.refreshLastSuccess(name);
    }
    const server = await startStatusServer({
      host: settings.host,
      port: settings.port,
      logger,
      metrics: () => metrics.render(),
      health: () => ({
        ok: !scheduler.isStopping,
        status: scheduler.isStopping ? 'stopping' : 'ok',
        pipelines: scheduler.status(),
      }),
    });
    // One daemon for both: the forms are served beside the schedule, on the same warehouse.
    const forms = receiver
      ? await startWebforms({
          wh,
          receiver,
          baseDir: loaded.dir,
          defaultRegion: loaded.config.defaultRegion,
          logger,
        })
      : null;
    if (forms) process.stdout.write(`web forms listening on ${forms.url}\n`);
    try {
      if (!interrupt.signal.aborted) {
        scheduler.start();
        logger.info(
          { warehouse: wh.url.display, pipelines, metrics: `${server.url}/metrics`, forms: forms?.url },
          'scheduler started',
        );
        await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
      }
      const signal = (interrupt.signal.reason as { reason?: NodeJS.Signals }).reason ?? 'SIGTERM';
      logger.info({ signal }, 'scheduler stopping');
      // Submissions in flight finish while the runs stop.
      await Promise.all([forms?.stop(), scheduler.stop(signal)]);
    } finally {
      await forms?.stop().catch(() => undefined);
      await server.close();
    }
    logger.info('scheduler stopped');
  } finally {
    interrupt.dispose();
    await wh.close();
  }
}

function resolveSettings(loaded: LoadedConfig, opts: ScheduleOptions) {
  const cfg = loaded.config.scheduler;
  const number = (flag: string, text: string | undefined, fallback: number, max: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || n > max) {
      throw new ConfigError(`${flag} must be a number from 0 to ${max}, not '${text}'`);
    }
    return n;
  };
  const port = number('--port', opts.port, cfg.port, 65535);
  if (!Number.isInteger(port)) throw new ConfigError(`--port must be a whole number, not '${opts.port}'`);
  return { port, host: opts.host ?? cfg.host, graceSeconds: number('--grace', opts.grace, cfg.grace, 3600) };
}

export { runWorker } from '../scheduler/worker.js';
