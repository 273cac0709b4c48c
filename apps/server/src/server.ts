import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { HierarchicalCache, cacheOptionsFrom, defaultLevelCodecs } from '@prewarm/cache';
import { Keyspace, type RedisConnection, checkRedisRole, openRedisRole } from '@prewarm/redis';
import { CachedComputer, SourceComputer } from '@prewarm/compute';
import type { Config } from '@prewarm/config';
import { type DiagnosisThresholds, localToday } from '@prewarm/domain';
import { PrewarmQueues } from '@prewarm/queue';
import { type OrderSource, openSource } from '@prewarm/source';
import { Heartbeats, RunRecords } from '@prewarm/runs';
import { StartupScope, closeAll } from '@prewarm/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requireToken } from './auth.js';
import { errorHandler } from './errors.js';
import { PrewarmMetrics } from './prom.js';
import { opsRoutes } from './routes/ops.js';
import { readRoutes } from './routes/read.js';

/** A closing server waits for this long without a request in flight before it closes… */
const CLOSE_QUIET_MS = 250;
/** …but no longer than this in all. */
const CLOSE_DRAIN_MAX_MS = 10_000;

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

const PAGE = fileURLToPath(new URL('../public/index.html', import.meta.url));
const PAGE_SCRIPT = fileURLToPath(new URL('../public/overview.js', import.meta.url));
// chart.js exports no subpath for its UMD build: find the package, then the file beside it.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/**
 * `prewarm serve`'s composition root: connections, the cache (with metrics on every read), the
 * read API, the ops API, bull-board, the overview page and Prometheus metrics.
 */
export async function startServer(config: Config, logger: Logger, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const log = logger.child({ component: 'server' });
  // Many requests at once read the cache: auto-pipelining turns a tick's GETs into one write.
  // A command without an answer for 2 s fails, so requests and scrapes answer (503, NaN) while
  // a Redis is away instead of waiting for it.
  const connection = { persistent: true, autoPipelining: true, commandTimeoutMs: 2000 } as const;
  let deps: ConstructorParameters<typeof PrewarmMetrics>[0] extends () => infer D ? D : never;
  const metrics = new PrewarmMetrics(() => deps);
  const scope = new StartupScope();
  const disconnect = (r: RedisConnection) => r.disconnect();
  let state: RedisConnection, cacheRedis: RedisConnection;
  let source: OrderSource;
  let cache: HierarchicalCache;
  try {
    state = await scope.open('state connection', () => openRedisRole(config.redis, 'queue/state', connection), disconnect);
    cacheRedis = config.redis.shared ? state : await scope.open('cache connection', () => openRedisRole(config.redis, 'cache', connection), disconnect);
    for (const warning of await checkRedisRole(state, 'queue/state')) log.warn(warning);
    if (!config.redis.shared) for (const warning of await checkRedisRole(cacheRedis, 'cache')) log.warn(warning);
    source = await scope.open('source', () => openSource(config.source.url), (s) => s.close());
    const options = { cache: cacheRedis, state, ...cacheOptionsFrom(config.cache), codecs: defaultLevelCodecs(), logger: log, onRead: metrics.observeRead };
    cache = await HierarchicalCache.create(options);
  } catch (err) {
    await scope.abandon();
    throw err;
  }
  const queues = new PrewarmQueues(state, config.queue.prefix, (err, queue) => log.warn({ queue, err: err.message }, 'queue connection error'));
  const keys = cache.keys;
  const runs = new RunRecords(state, keys);
  const heartbeats = new Heartbeats(state, keys);
  const workersAlive = () => heartbeats.alive();
  deps = { cache, queues, runs, state, workerAlive: workersAlive };

  // The store list is re-read every minute, so new stores appear without a restart.
  let computer = new SourceComputer(source);
  let reader = new CachedComputer(computer, cache, config.thresholds as DiagnosisThresholds);
  const refresh = setInterval(() => {
    computer = new SourceComputer(source);
    reader = new CachedComputer(computer, cache, config.thresholds as DiagnosisThresholds);
  }, 60_000);
  refresh.unref();

  // Requests are not logged one by one (info; the access stream records reads); warnings and
  // errors are, and the logger redacts the Authorization header: the token never reaches a log.
  const app = Fastify({
    loggerInstance: log.child({}, { level: log.levelVal > 40 ? log.level : 'warn', redact: ['req.headers.authorization', 'headers.authorization'] }),
  }) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
  // Requests already sent may still sit unread in their sockets while the event loop is busy: a
  // connection without a parsed request counts as idle, and close() resets it. So a closing
  // server first answers until nothing has been in flight for CLOSE_QUIET_MS — requests read
  // meanwhile count, and so do connections accepted whose first request is not parsed yet —
  // then closes.
  let inFlight = 0;
  const unread = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unread.add(socket);
    socket.once('close', () => unread.delete(socket));
  });
  app.addHook('onRequest', (request, _reply, done) => {
    inFlight++;
    unread.delete(request.raw.socket);
    done();
  });
  app.addHook('onResponse', (_request, _reply, done) => {
    inFlight--;
    done();
  });
  const drained = async (): Promise<void> => {
    const deadline = Date.now() + CLOSE_DRAIN_MAX_MS;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (inFlight > 0 || unread.size > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= CLOSE_QUIET_MS) return;
    }
  };
  // While closing, answers in flight end their keep-alive connection, so close() can finish.
  let closingNow = false;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closingNow) void reply.header('connection', 'close');
    done(null, payload); // a callback hook: no promise per request
  });
  if (config.http.token) requireToken(app, config.http.token);

  readRoutes(app, () => reader);
  opsRoutes(app, { cache, state, cacheRedis, source, computer: () => computer, queues, runs, hotRatio: config.runs.hotRatio, workersAlive, today: localToday, keys });
  app.get('/metrics', async (_request, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  const page = readFileSync(PAGE);
  const pageScript = readFileSync(PAGE_SCRIPT);
  const chart = readFileSync(CHART_JS);
  app.get('/', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(page));
  app.get('/assets/overview.js', async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').send(pageScript));
  app.get('/assets/chart.js', async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'max-age=86400').send(chart));

  const board = new FastifyAdapter();
  createBullBoard({ queues: Object.values(queues.byName).map((q) => new BullMQAdapter(q, { readOnlyMode: !config.http.queuesWritable })), serverAdapter: board });
  board.setBasePath('/queues');
  await app.register(board.registerPlugin(), { prefix: '/queues' });

  const host = options.host ?? config.http.host;
  const port = options.port ?? config.http.port;
  const address = await app.listen({ host, port });
  log.info({ address, auth: config.http.token ? 'bearer' : 'none', queuesWritable: config.http.queuesWritable }, 'server listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    url: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'),
    close: () =>
      (closing ??= closeAll('server', [
        ['store list refresh', () => clearInterval(refresh)],
        [
          'HTTP',
          async () => {
            closingNow = true;
            await drained();
            await app.close(); // stops accepting, lets in-flight requests finish
          },
        ],
        ['queues', () => queues.close()],
        ['cache', () => cache.close()],
        ['source', () => source.close()],
        ['Redis connections', () => new Set([state, cacheRedis]).forEach((r) => r.disconnect())],
      ]).finally(() => log.info('server stopped'))),
  };
}
