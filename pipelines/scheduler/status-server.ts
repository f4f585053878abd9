import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';

export interface StatusServerOptions {
  host: string;
  /** 0 picks a free port (the log line says which). */
  port: number;
  metrics: () => string;
  /** The /healthz body; `ok: false` answers 503 (e.g. while shutting down). */
  health: () => { ok: boolean } & Record<string, unknown>;
  logger: Logger;
}

export interface StatusServer {
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/** /healthz (JSON) and /metrics (Prometheus text) for the scheduler daemon; nothing else. */
export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(options.metrics());
    } else if (path === '/healthz') {
      const body = options.health();
      res
        .writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(body) + '\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  // Scrapers keep connections open; they must not hold the daemon up at shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(explainListenError(err, options)));
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  options.logger.info({ url, endpoints: ['/healthz', '/metrics'] }, 'status server listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function explainListenError(err: NodeJS.ErrnoException, options: StatusServerOptions): Error {
  const where = `${options.host}:${options.port}`;
  if (err.code === 'EADDRINUSE') {
    return new ConfigError(`Cannot serve /metrics on ${where}: the port is in use`, {
      hint: 'Pass --port <n> or set scheduler.port in the config (0 picks a free port)',
      cause: err,
    });
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') {
    return new ConfigError(`Cannot serve /metrics on ${where}: ${err.code}`, {
      hint: 'Pass --host with an address of this machine (default 127.0.0.1) and a port above 1023',
      cause: err,
    });
  }
  return err;
}
