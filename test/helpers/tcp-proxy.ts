/**
 * A TCP proxy in front of a real server (PostgreSQL here): stopping it is, for its clients,
 * the server going down — open connections are cut, new ones refused — and starting it again
 * on the same port is the server coming back. The server itself (shared by other tests) is
 * never touched.
 */
import net from 'node:net';
import { type TestSchema, createTestSchema } from './postgres.js';
import { freePort } from './redis.js';

export interface TcpProxy {
  port: number;
  /** Cuts every connection and refuses new ones. */
  down(): Promise<void>;
  /** Accepts connections again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const down = async () => {
    const closing = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
    for (const s of sockets) s.destroy();
    await closing;
    server = undefined;
  };
  await up();
  return { port, up, down, close: down };
}

/** A fresh test schema on the test PostgreSQL, reached through a proxy the test can cut: `url` goes through it. */
export async function proxiedTestPostgres(): Promise<{ schema: TestSchema; proxy: TcpProxy; url: string }> {
  const schema = await createTestSchema();
  const direct = new URL(schema.url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const url = new URL(schema.url);
  url.port = String(proxy.port);
  return { schema, proxy, url: url.toString() };
}
