/**
 * The receiver's HTTP side (fastify): one POST route per form, read by its preset from the raw
 * bytes (kept for signatures: JSON, form-urlencoded and text bodies are taken as buffers and
 * parsed by the preset; multipart with busboy, multipart.ts), answered only once the submission
 * is durable. Refusals carry their status and a fixed body, never the input; errors never carry
 * a stack; logs name the form and the outcome, never what was submitted nor who sent it.
 */
import { Transform } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from '../../lib/logger.js';
import { withoutValues, type Committer } from './committer.js';
import type { FormConfig, ReceiverConfig } from './config.js';
import { contentKey } from './dedupe.js';
import { contentHash, leadItems, senderKey } from './lead.js';
import type { ReceiverMetrics } from './metrics.js';
import { parseMultipart, type MultipartBody } from './multipart.js';
import { readSubmission, type Incoming } from './presets.js';
import type { HeldSpool } from './spool.js';

export interface ServerDeps {
  config: ReceiverConfig;
  committer: Committer;
  metrics: ReceiverMetrics;
  logger: Logger;
  region: string;
  /** Answers 2xx without storing anything: the benchmark's floor. */
  discard?: boolean;
  /** The spool holds another warehouse's submissions: said in /healthz. */
  spoolHeld?: (HeldSpool & { warning: string }) | null;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
const BUFFERED = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'];
const THANKS =
  '<!doctype html><meta charset="utf-8"><title>Спасибо</title><p>Спасибо! Заявка принята. Thank you, your request has been received.</p>';

declare module 'fastify' {
  interface FastifyContextConfig {
    form?: FormConfig;
  }
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, metrics, logger } = deps;
  const app = Fastify({
    logger: false,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // The receiver answers 503 itself while stopping, after reading the body (connector.ts).
    return503OnClosing: false,
    // Closed by the receiver's stop() once the requests on fresh connections have had a moment
    // to arrive: 'idle' would reset a connection accepted just before the close whose request is
    // still on its way (connector.ts).
    forceCloseConnections: false,
  });

  for (const type of BUFFERED)
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: config.bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
  // Multipart arrives as a stream that fastify's bodyLimit does not measure: counted here.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!req.headers['content-type']?.toLowerCase().startsWith('multipart/')) return payload;
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        seen += chunk.length;
        if (seen > config.bodyLimit)
          callback(Object.assign(new Error('body too large'), { statusCode: 413 }));
        else callback(null, chunk);
      },
    });
    payload.on('error', (err) => counted.destroy(err));
    return payload.pipe(counted);
  });
  app.addContentTypeParser('multipart/form-data', (req, payload, done) =>
    parseMultipart(req.headers, payload, config.bodyLimit, done),
  );
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    allowList: (req) => req.url === '/metrics' || req.url === '/healthz',
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    errorResponseBuilder: () => ({ statusCode: 429, error: STATUS_TEXT[429] }),
  });

  app.setNotFoundHandler((req, reply) => refuse(req, reply, 404));
  app.setErrorHandler((err: { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500)
      logger.error({ form: req.routeOptions.config.form?.name, code: err.code }, 'web-form request failed');
    return refuse(req, reply, status);
  });

  app.get('/healthz', async (_req, reply) => {
    const h = health(deps);
    return reply.code(h.status === 'failing' ? 503 : 200).send(h);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  for (const form of config.forms) {
    app.post(form.path, { config: { form } }, (req, reply) => receive(deps, form, req, reply));
    // CORS preflight: only the form's allowed origins get the headers a browser needs.
    app.options(form.path, { config: { form } }, (req, reply) => {
      if (allowOrigin(form, req, reply)) {
        reply.header('access-control-allow-methods', 'POST');
        reply.header('access-control-allow-headers', 'content-type');
        reply.header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    });
  }

  function refuse(req: FastifyRequest, reply: FastifyReply, status: number) {
    const form = req.routeOptions.config.form?.name ?? '';
    if (status === 500) metrics.requests.inc({ form, outcome: 'failed' });
    else {
      metrics.refused.inc({ form, status: String(status) });
      if (form) metrics.requests.inc({ form, outcome: 'refused' });
    }
    return reply
      .code(status)
      .type('application/json')
      .send({ error: STATUS_TEXT[status] ?? 'Error' });
  }

  async function receive(d: ServerDeps, form: FormConfig, req: FastifyRequest, reply: FastifyReply) {
    const started = performance.now();
    const now = Date.now();
    allowOrigin(form, req, reply);
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const incoming: Incoming = {
      mediaType,
      raw: Buffer.isBuffer(req.body) ? req.body : null,
      multipart: (req.body as Partial<MultipartBody> | null)?.multipart ?? null,
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      nowMs: now,
    };
    const read = readSubmission(form, incoming);
    switch (read.kind) {
      case 'refused':
        return refuse(req, reply, read.status);
      case 'probe':
        metrics.requests.inc({ form: form.name, outcome: 'probe' });
        return reply.code(200).type('text/plain').send('ok');
      case 'spam':
        // Answered like a success: a bot learns nothing from it.
        metrics.requests.inc({ form: form.name, outcome: 'spam' });
        logger.info({ form: form.name }, 'honeypot filled: not staged');
        return accepted(form, reply);
    }
    if (d.discard) {
      metrics.requests.inc({ form: form.name, outcome: 'stored' });
      return accepted(form, reply);
    }
    const sub = read.submission;
    const { key, sameAs } =
      sub.senderId !== null
        ? { key: senderKey(sub.senderId), sameAs: [] }
        : contentKey(contentHash(form, sub), now, config.dedupeWindowMinutes * 60_000);
    const items = leadItems(form, sub, key, new Date(now), d.region, sameAs);
    try {
      const how = await d.committer.submit(form.name, items);
      metrics.requests.inc({ form: form.name, outcome: how });
      metrics.ackSeconds.observe({ form: form.name }, (performance.now() - started) / 1000);
    } catch (err) {
      logger.error(
        { form: form.name, err: withoutValues(err) },
        'submission not stored; sender told to retry',
      );
      metrics.requests.inc({ form: form.name, outcome: 'failed' });
      return reply.code(503).header('retry-after', '30').send({ error: STATUS_TEXT[503] });
    }
    return accepted(form, reply);
  }

  return app;
}

/**
 * /healthz. `ok`: submissions are staged as they come. `degraded` (still 200): leads are accepted
 * and durable, but some wait in the spool (the warehouse out of reach, or the drain not done),
 * or the spool holds another warehouse's segments: a load balancer keeps sending leads here (they
 * are safe), an operator looks at the reasons. `failing` (503): submissions are answered 5xx,
 * neither the warehouse nor the spool taking them: a load balancer sends them elsewhere.
 */
export function health(deps: Pick<ServerDeps, 'committer' | 'spoolHeld'>): {
  status: 'ok' | 'degraded' | 'failing';
  ok: boolean;
  warehouse: 'unknown' | 'reachable' | 'unreachable';
  spooled: number;
  spool: { segments: number; submissions: number };
  reasons: string[];
  spool_held?: HeldSpool & { warning: string };
} {
  const { spooled, spooledSubmissions } = deps.committer.backlog;
  const state = deps.committer.health;
  const reasons: string[] = [];
  if (state.refusing)
    reasons.push(
      deps.spoolHeld && state.warehouse === 'unreachable'
        ? 'submissions refused (503): the warehouse is out of reach and the spool holds another warehouse’s segments'
        : 'submissions refused (503): neither the warehouse nor the spool takes them; see the log',
    );
  if (state.warehouse === 'unreachable') reasons.push('warehouse out of reach at the last commit');
  if (spooled > 0)
    reasons.push(
      `${spooledSubmissions} submission(s) in ${spooled} spool segment(s) waiting for the warehouse`,
    );
  if (deps.spoolHeld) reasons.push(deps.spoolHeld.warning);
  const status = state.refusing ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok';
  return {
    status,
    ok: status !== 'failing',
    warehouse: state.warehouse,
    spooled,
    spool: { segments: spooled, submissions: spooledSubmissions },
    reasons,
    ...(deps.spoolHeld ? { spool_held: deps.spoolHeld } : {}),
  };
}

function accepted(form: FormConfig, reply: FastifyReply) {
  switch (form.preset) {
    case 'tilda':
      return reply.code(200).type('text/plain').send('ok');
    case 'html':
      return form.redirect
        ? reply.code(303).header('location', form.redirect).send()
        : reply.code(200).type('text/html; charset=utf-8').send(THANKS);
    default:
      return reply.code(200).send({ ok: true });
  }
}

/** Sets the CORS headers when the request's Origin is one of the form's; says whether it was. */
function allowOrigin(form: FormConfig, req: FastifyRequest, reply: FastifyReply): boolean {
  const origin = req.headers.origin;
  reply.header('vary', 'Origin');
  if (origin === undefined || !form.allowOrigins.includes(origin)) return false;
  reply.header('access-control-allow-origin', origin);
  return true;
}
