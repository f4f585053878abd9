import net from 'node:net';
import { parseWarehouseUrl } from '../../warehouse/url.js';

/**
 * A TCP proxy in front of a database server, so a test can drop the client's connections in
 * the middle of a read the way a network or a server restart does: `cut()` resets every socket.
 */
export interface TcpProxy {
  port: number;
  /** Resets every open connection (both sides). New connections still go through. */
  cut(): void;
  /** What clients sent since the proxy started or since the last call, as latin1 text (`record` only). */
  takeSent(): string;
  /** Cuts every connection and stops listening: new connections are refused until up(). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  options: { record?: boolean } = {},
): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let sent: Buffer[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    if (options.record) client.on('data', (d: Buffer) => sent.push(d));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const s of open) s.resetAndDestroy();
  };
  return {
    port,
    takeSent: () => {
      const text = Buffer.concat(sent).toString('latin1');
      sent = [];
      return text;
    },
    cut,
    down: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        cut();
      }),
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A proxy in front of the server a postgres:// or mysql:// URL names, and that URL through it. */
export async function proxyDatabase(url: string): Promise<TcpProxy & { url: string }> {
  const server = parseWarehouseUrl(url);
  const proxy = await startTcpProxy(server.host!, server.port!);
  return { ...proxy, url: url.replace(`:${server.port}/`, `:${proxy.port}/`) };
}
