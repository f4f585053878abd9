/**
 * The web-form receiver as a push connector: started with the `receiver:` config and a sink, it
 * listens for the forms' posts and stages each submission (a lead) through the sink before
 * answering, until stopped. Nothing of it runs when a pipeline is extracted.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type {
  CheckResult,
  ConnectorContext,
  PushConnector,
  PushHandle,
  PushSink,
  SourceStream,
} from '../contract.js';
import { Committer } from './committer.js';
import { WebformSourceSchema, type WebformSourceConfig } from './config.js';
import { inspectSpool, Spool } from './spool.js';

export interface StartOptions {
  /** Answer 2xx without storing anything (the benchmark's floor). */
  discard?: boolean;
}

/** How a form's submissions are staged: one stream per form, each reject filed under its own key. */
export function formStream(config: WebformSourceConfig, form: string): Omit<SourceStream, 'read'> {
  const f = config.forms.find((x) => x.name === form);
  return {
    name: form,
    stream: 'interaction',
    primaryKey: 'submission',
    input: f?.path ?? form,
    quarantineBy: 'record',
  };
}

/** How long a stopping receiver keeps answering 503 before it closes its port. */
const CLOSE_GRACE_MS = 500;
/** How long after the port closes the connections accepted last have to send their request. */
const CLOSE_IDLE_AFTER_MS = 200;

export async function startReceiver(
  config: WebformSourceConfig,
  sink: PushSink,
  ctx: ConnectorContext,
  options: StartOptions = {},
): Promise<PushHandle> {
  const logger = ctx.logger.child({ component: 'webform' });
  // The HTTP server and metrics libraries load only when a receiver starts: every other command
  // loads this registry entry too, and should not pay for fastify and prom-client.
  const [{ buildServer }, { ReceiverMetrics }] = await Promise.all([
    import('./server.js'),
    import('./metrics.js'),
  ]);
  const spool = new Spool(path.resolve(ctx.baseDir, config.spool));
  await spool.open(sink.warehouse);
  const held = spool.held;
  const heldWarning =
    held === null
      ? null
      : `spool ${held.file} holds ${held.segments} segment(s) for another warehouse (${held.warehouse}): not drained here and left untouched; start with --db ${held.warehouse} to drain it, or move ${held.dir} away`;
  if (heldWarning !== null) logger.warn(heldWarning);
  const metrics = new ReceiverMetrics(() => ({
    segments: spool.pending,
    submissions: spool.pendingSubmissions,
  }));
  const committer = new Committer({
    sink,
    spool,
    batchSize: config.batchSize,
    concurrency: sink.concurrency,
    commitTimeoutMs: config.commitTimeout,
    logger,
    streamOf: (form) => formStream(config, form),
    onStaged: (form, counts) => {
      if (counts.loaded) metrics.staged.inc({ form, result: 'loaded' }, counts.loaded);
      if (counts.duplicates) metrics.staged.inc({ form, result: 'duplicate' }, counts.duplicates);
      if (counts.quarantined) metrics.staged.inc({ form, result: 'quarantined' }, counts.quarantined);
    },
    onSpooled: (n) =>
      logger.warn({ submissions: n, spooled: spool.pending }, 'warehouse out of reach: spooled'),
  });
  const app = await buildServer({
    config,
    committer,
    metrics,
    logger,
    region: ctx.defaultRegion,
    discard: options.discard,
    spoolHeld: held && { ...held, warning: heldWarning! },
  });
  // Stopping: the port stays open for a moment, every request answered 503 with Connection: close,
  // so the connections already in the kernel's accept queue (many while a synchronous SQLite
  // commit holds the event loop) get an answer instead of the reset a closed listener gives them.
  let closing = false;
  // Answered once the body is read: a socket closed with request bytes unread is reset by the
  // kernel, and the sender would see ECONNRESET instead of the 503.
  app.addHook('preHandler', async (req, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    if (req.method === 'POST')
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ statusCode: 503, error: 'Service Unavailable' });
  });
  committer.start();
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info(
    {
      url,
      forms: config.forms.map((f) => ({ name: f.name, path: f.path, preset: f.preset })),
      spooled: spool.pending,
    },
    'web-form receiver listening',
  );
  let stopping: Promise<void> | null = null;
  return {
    url,
    stop() {
      // In-flight requests finish (each waits for its commit); then the committer's queue is empty.
      stopping ??= (async () => {
        closing = true;
        await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
        const closed = app.close();
        // Connections accepted just before the port closed: their requests are read and answered
        // 503 (Connection: close); then keep-alive connections with no request are ended.
        await new Promise((resolve) => setTimeout(resolve, CLOSE_IDLE_AFTER_MS));
        app.server.closeIdleConnections();
        await closed;
        await committer.stop();
        logger.info({ spooled: spool.pending }, 'web-form receiver stopped');
      })();
      return stopping;
    },
  };
}

/** Whether host:port can be listened on now (port 0: any free port, always). */
async function canBind(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(
        err.code === 'EADDRINUSE'
          ? 'in use (is crm-etl serve already running? stop it, or choose another port)'
          : `${err.code ?? 'error'}: ${err.message}`,
      ),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** The /healthz of a receiver answering on host:port, or null when what answers is not one. */
async function runningHealth(
  host: string,
  port: number,
): Promise<{ status: string; reasons: string[]; spool: unknown } | null> {
  const h =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  try {
    const res = await fetch(`http://${h}:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { status?: unknown; reasons?: unknown; spool?: unknown };
    if (typeof body.status !== 'string' || !Array.isArray(body.reasons)) return null;
    return { status: body.status, reasons: body.reasons.map(String), spool: body.spool };
  } catch {
    return null;
  }
}

/** How a form is authenticated, never with the secret's value. */
function secretState(f: WebformSourceConfig['forms'][number]): { secret: string; set: boolean | null } {
  if (f.preset === 'standard-webhooks' || f.preset === 'typeform')
    return { secret: 'secret', set: f.secret !== undefined && f.secret !== '' };
  if (f.preset === 'tilda') return { secret: 'apiKey', set: f.apiKey !== undefined && f.apiKey !== '' };
  return { secret: 'none', set: null };
}

async function check(config: WebformSourceConfig, ctx: ConnectorContext): Promise<CheckResult> {
  const dir = path.resolve(ctx.baseDir, config.spool);
  const spool = await inspectSpool(dir);
  let spoolOk = true;
  let problem: string | null = null;
  try {
    await fs.access(spool.exists ? dir : path.dirname(dir), fs.constants.W_OK);
  } catch (err) {
    spoolOk = false;
    problem = (err as Error).message;
  }
  const bindProblem = await canBind(config.host, config.port);
  // The port taken by a running receiver is no problem: its own health says how it is.
  const running = bindProblem?.startsWith('in use') ? await runningHealth(config.host, config.port) : null;
  const forms = config.forms.map((f) => ({
    name: f.name,
    path: f.path,
    preset: f.preset,
    ...secretState(f),
  }));
  const secretText = (f: (typeof forms)[number]) =>
    f.set === null ? 'no secret' : `${f.secret} ${f.set ? 'set' : 'NOT set (anyone can post)'}`;
  const backlog =
    spool.segments === 0
      ? 'empty'
      : `${spool.submissions} submission(s) in ${spool.segments} segment(s) waiting${spool.warehouse ? ` for ${spool.warehouse}` : ''}`;
  const portOk = bindProblem === null || running !== null;
  const portText =
    bindProblem === null
      ? 'port can be bound'
      : running !== null
        ? `a receiver is running there: ${running.status}${running.reasons.length > 0 ? ` (${running.reasons.join('; ')})` : ''}`
        : `port NOT bindable, ${bindProblem}`;
  const lines = [
    `receiver on ${config.host}:${config.port}: ${portText}`,
    ...forms.map((f) => `  ${f.path}  ${f.preset}  → source ${f.name}  (${secretText(f)})`),
    spoolOk ? `spool ${dir}: writable, ${backlog}` : `spool ${dir}: NOT writable (${problem}), ${backlog}`,
    ...(spool.failed > 0
      ? [`  ${spool.failed} segment(s) set aside as .failed: see the receiver's log`]
      : []),
  ];
  return {
    ok: spoolOk && portOk && running?.status !== 'failing',
    json: {
      host: config.host,
      port: config.port,
      portOk,
      ...(bindProblem === null || running !== null ? {} : { portProblem: bindProblem }),
      ...(running === null ? {} : { running }),
      forms,
      spool: dir,
      spoolOk,
      spooled: spool.segments,
      spooledSubmissions: spool.submissions,
      spoolFailed: spool.failed,
      spoolWarehouse: spool.warehouse,
    },
    text: lines.join('\n'),
  };
}

export const webformConnector: PushConnector<WebformSourceConfig> = Object.freeze({
  kind: 'webform' as const,
  mode: 'push' as const,
  configSchema: WebformSourceSchema,
  check,
  start: (config: WebformSourceConfig, sink: PushSink, ctx: ConnectorContext) =>
    startReceiver(config, sink, ctx),
});
