import { ConfigError, describeError } from '../../lib/errors.js';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import type { CommandContext } from '../context.js';
import { DEFAULT_RETRY_POLICY, withRetry } from '../retry.js';
import { PipelineBusyError, runPipeline } from '../runner.js';
import { InterruptedError, interruptOnSignals } from './interrupt.js';
import type { WorkerMessage } from './messages.js';
import { Redactor } from './redact.js';

/**
 * The scheduler's side of one run, in a process of its own (`crm-etl schedule --worker <name>`).
 * A run in its own process can be killed outright when it will not stop in time, on every
 * engine, and the scheduler then records it; a crash or leak in a connector cannot take the
 * daemon down with it.
 */
export async function runWorker(ctx: CommandContext, name: string): Promise<void> {
  if (!process.send) {
    throw new ConfigError('--worker is internal to crm-etl schedule', { hint: `Use crm-etl run ${name}` });
  }
  const loaded = ctx.loaded;
  if (!loaded)
    throw new ConfigError('The worker was started without a config file', { hint: 'Pass --config <file>' });
  const redactor = new Redactor(loaded.secrets);
  const logger = redactor.logger(ctx.logger, {});

  const interrupt = interruptOnSignals(logger.child({ pipeline: name }));
  // The scheduler dying (even by kill -9) closes the channel: stop as on SIGTERM, so the run
  // is recorded rather than left to run unsupervised.
  const orphaned = new AbortController();
  process.once('disconnect', () => orphaned.abort(new InterruptedError('scheduler exit')));
  const signal = AbortSignal.any([interrupt.signal, orphaned.signal]);

  let wh: Warehouse | undefined;
  try {
    // A warehouse restarting at tick time is worth a few tries before failing the run.
    wh = await withRetry(() => openWarehouse(ctx.dbUrl, logger), {
      policy: DEFAULT_RETRY_POLICY,
      logger,
      signal,
    });
    const report = await runPipeline(wh, loaded, name, logger, {
      signal,
      onStarted: (runId) => void send({ type: 'started', runId }),
    });
    await send({ type: 'finished', report });
  } catch (err) {
    if (err instanceof PipelineBusyError) await send({ type: 'busy' });
    else if (err instanceof InterruptedError) await send({ type: 'cancelled' });
    else await send({ type: 'error', error: redactor.text(describeError(err)) });
  } finally {
    interrupt.dispose();
    await wh?.close();
    // An open IPC channel keeps a child alive; everything has been said.
    if (process.connected) process.disconnect();
  }
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    // Resolve either way: a scheduler that went away cannot be told, and the run is recorded.
    process.send(message, undefined, {}, () => resolve());
  });
}
