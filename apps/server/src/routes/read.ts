import { crc32, gunzipSync } from 'node:zlib';
import { type CachedComputer, type StoreSelection, assertStoreId, parseDateRange, parseDiagnosisPeriod, parseStoreSelection } from '@prewarm/compute';
import type { DateRange } from '@prewarm/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { sendError } from '../errors.js';

/** Documented limits of one request. */
export const LIMITS = { maxStores: 500, maxDays: 366 } as const;

const MetricsQuery = z.object({ store: z.string(), from: z.string(), to: z.string() });
const DiagnosisQuery = z.object({ stores: z.string(), from: z.string(), to: z.string() });

/** A parsed `/v1/diagnosis` request. */
interface DiagnosisRequest {
  selection: StoreSelection;
  period: DateRange;
}

function parseQuery<T extends z.ZodTypeAny>(schema: T, request: FastifyRequest, reply: FastifyReply): z.infer<T> | null {
  const result = schema.safeParse(request.query);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const parameter = String(issue.path[0] ?? 'query');
  void sendError(reply, 'E_INVALID_REQUEST', `missing or invalid query parameter ${parameter}`, parameter);
  return null;
}

/** ETags of bodies held in L4, computed once per body rather than once per request. */
const etags = new WeakMap<Buffer, string>();

function etagOf(bytes: Buffer): string {
  let etag = etags.get(bytes);
  if (etag === undefined) {
    etag = `"${crc32(bytes).toString(16)}-${bytes.length.toString(16)}"`;
    etags.set(bytes, etag);
  }
  return etag;
}

/** Sends a JSON body with x-cache, ETag/304 and, when the client takes it, the stored gzip as it is. */
function sendJson(request: FastifyRequest, reply: FastifyReply, body: { bytes: Buffer; encoding: 'gzip' | 'identity' }, result: { hit: boolean; tier: string }): FastifyReply {
  const etag = etagOf(body.bytes);
  // bypass: computed from the source while the cache Redis fails (the circuit breaker is open).
  void reply.header('x-cache', result.tier === 'bypass' ? 'bypass' : result.hit ? 'hit' : 'miss').header('etag', etag).header('vary', 'accept-encoding').header('content-type', 'application/json; charset=utf-8');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  if (body.encoding === 'gzip') {
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(body.bytes);
    return reply.send(gunzipSync(body.bytes));
  }
  return reply.send(body.bytes);
}

export function readRoutes(app: FastifyInstance, reader: () => CachedComputer): void {
  app.get('/v1/metrics', async (request, reply) => {
    const q = parseQuery(MetricsQuery, request, reply);
    if (!q) return reply;
    const store = assertStoreId(q.store, 'store');
    const range = parseDateRange(q.from, q.to, LIMITS.maxDays);
    const result = await reader().dailyMetrics(store, range);
    return sendJson(request, reply, { bytes: Buffer.from(JSON.stringify(result.value)), encoding: 'identity' }, result);
  });

  // Dashboards ask for the same few store sets and ranges again and again: the three
  // parameters, once validated, map straight to their parsed form (whether the stores exist is
  // still checked on every request: the store list changes). Keyed by the parameters, not the
  // URL, so extra parameters cannot fill it; bounded by entries and by the keys' length.
  const parsed = new LRUCache<string, DiagnosisRequest>({ max: 10_000, maxSize: 4 * 1024 * 1024, sizeCalculation: (_value, key) => key.length });
  const parseDiagnosis = (request: FastifyRequest, reply: FastifyReply): DiagnosisRequest | null => {
    const { stores, from, to } = request.query as Record<string, unknown>;
    const key = typeof stores === 'string' && typeof from === 'string' && typeof to === 'string' ? `${stores}\n${from}\n${to}` : undefined;
    const known = key === undefined ? undefined : parsed.get(key);
    if (known) return known;
    const q = parseQuery(DiagnosisQuery, request, reply);
    if (!q) return null;
    const selection = parseStoreSelection(q.stores, 'stores');
    if (selection !== 'all' && selection.length > LIMITS.maxStores) {
      void sendError(reply, 'E_INVALID_REQUEST', `stores: at most ${LIMITS.maxStores} store ids (or "all")`, 'stores');
      return null;
    }
    const result = { selection, period: parseDiagnosisPeriod(q.from, q.to, LIMITS.maxDays) };
    if (key !== undefined) parsed.set(key, result);
    return result;
  };

  app.get('/v1/diagnosis', async (request, reply) => {
    const q = parseDiagnosis(request, reply);
    if (!q) return reply;
    const result = await reader().diagnosisBody(q.selection, q.period);
    return sendJson(request, reply, result.body, result);
  });
}
