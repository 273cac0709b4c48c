/**
 * Properties of the HTTP API's parsing of outside input, against the real server (startServer
 * over a real Redis and a small SQLite source; requests through fastify's `inject`, no socket):
 *   - `/v1/metrics` and `/v1/diagnosis`: for generated queries (parameters missing, repeated,
 *     bad, unknown stores, extra parameters), the answer is exactly what a model of the
 *     parameters says — 200 with the asked dates and stores, 404 for an unknown store, or 400
 *     naming the first bad parameter;
 *   - any raw query string on any GET route is never answered with a 5xx;
 *   - `POST /v1/runs`: any JSON body is accepted (202) exactly when it is an object of
 *     `incremental` (boolean) and `policy` (default|seed), else refused with 400 naming the
 *     field, or `body`; any other body and content type is refused with 400/413/415;
 * and every refusal has the server's error shape `{ error: { code, message, parameter? } }`.
 * Accepted runs are only enqueued (no worker runs here), under a queue prefix of their own.
 */
import { randomBytes } from 'node:crypto';
import { parseConfig } from '@prewarm/config';
import { type RunningServer, startServer } from '@prewarm/server';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEnv } from '../helpers/cli.js';
import { FIXTURE_STORES, writeFixtureDb } from '../helpers/fixture.js';
import { type TestRedis, startTestRedis } from '../helpers/redis.js';

const STORES = FIXTURE_STORES.map((s) => s[0] as string); // A1, B2, C3
const MAX_DAYS = 366;
const MAX_STORES = 500;

let redis: TestRedis;
let server: RunningServer;
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startTestRedis();
  env = { PREWARM_SOURCE_URL: `sqlite:${writeFixtureDb()}`, ...cacheEnv(redis.url), PREWARM_QUEUE_PREFIX: `{hp${randomBytes(4).toString('hex')}}`, PREWARM_LOG_LEVEL: 'silent' };
  server = await startServer(parseConfig(env), pino({ level: 'silent' }), { port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (redis?.origin === 'REDIS_URL') {
    // A shared Redis: remove what these tests wrote (their cache prefix and queue prefix).
    const client = new Redis(redis.url);
    for (const pattern of [`${env.PREWARM_CACHE_PREFIX}:*`, `${env.PREWARM_QUEUE_PREFIX}:*`]) {
      for await (const keys of client.scanStream({ match: pattern, count: 500 })) if ((keys as string[]).length) await client.del(...(keys as string[]));
    }
    client.disconnect();
  }
  await redis?.stop();
});

const inject = (options: InjectOptions): Promise<LightMyRequestResponse> => server.app.inject(options);

/** A refusal: one of the 4xx statuses of the contract, and the server's error shape. */
function expectRefusal(res: LightMyRequestResponse, where: string, expected: { status?: number; code?: string; parameter?: string } = {}): void {
  where = `${where} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect([400, 404, 405, 413, 415], where).toContain(res.statusCode);
  if (expected.status) expect(res.statusCode, where).toBe(expected.status);
  expect(res.headers['content-type'], where).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body), where).toEqual(['error']);
  const { code, message, parameter, ...rest } = body.error;
  expect(rest, where).toEqual({});
  expect(typeof code === 'string' && code.length > 0, where).toBe(true);
  expect(typeof message === 'string' && message.length > 0, where).toBe(true);
  if (expected.code) expect(code, where).toBe(expected.code);
  if (code === 'E_INVALID_REQUEST') {
    expect(typeof parameter, where).toBe('string');
    expect(message, where).toContain(parameter);
  } else expect(parameter, where).toBeUndefined();
  if (expected.parameter) expect(parameter, where).toBe(expected.parameter);
}

// ---------------------------------------------------------------------------------------------
// A model of the parameters, independent of the server's code.

const STORE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a YYYY-MM-DD calendar date from 0100-01-01 on (earlier years are refused), or null. */
function dayNumber(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}
const format = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);
const FIRST_DAY = dayNumber('0100-01-01')!;
const LAST_DAY = dayNumber('9999-12-31')!;

type Query = [key: string, value: string][];
type Verdict = { status: 200; from: string; to: string; stores?: string[] } | { status: 404 } | { status: 400; parameter: string };

/** The value of a parameter given exactly once, or null (missing, or repeated: then it is an array). */
function single(query: Query, key: string): string | null {
  const values = query.filter(([k]) => k === key);
  return values.length === 1 ? values[0]![1] : null;
}

function modelDates(from: string, to: string, diagnosis: boolean): Verdict | { from: string; to: string } {
  const [a, b] = [dayNumber(from), dayNumber(to)];
  if (a === null) return { status: 400, parameter: 'from' };
  if (b === null) return { status: 400, parameter: 'to' };
  if (a > b) return { status: 400, parameter: 'from' };
  if (b - a + 1 > MAX_DAYS) return { status: 400, parameter: 'to' };
  // A diagnosis also reads as many days before the period: they must be dates too.
  if (diagnosis && a - (b - a + 1) < FIRST_DAY) return { status: 400, parameter: 'from' };
  return { from, to };
}

function modelMetrics(query: Query): Verdict {
  for (const key of ['store', 'from', 'to']) if (single(query, key) === null) return { status: 400, parameter: key };
  const [store, from, to] = ['store', 'from', 'to'].map((k) => single(query, k)!) as [string, string, string];
  if (!STORE_ID.test(store)) return { status: 400, parameter: 'store' };
  const dates = modelDates(from, to, false);
  if ('status' in dates) return dates;
  return STORES.includes(store) ? { status: 200, ...dates, stores: [store] } : { status: 404 };
}

function modelDiagnosis(query: Query): Verdict {
  for (const key of ['stores', 'from', 'to']) if (single(query, key) === null) return { status: 400, parameter: key };
  const [stores, from, to] = ['stores', 'from', 'to'].map((k) => single(query, k)!) as [string, string, string];
  let selection: string[];
  if (stores.trim() === 'all') selection = STORES;
  else {
    const ids = stores.trim().split(',').map((s) => s.trim());
    if (ids.some((id) => id === '' || id === 'all' || !STORE_ID.test(id))) return { status: 400, parameter: 'stores' };
    selection = [...new Set(ids)].sort();
    if (selection.length > MAX_STORES) return { status: 400, parameter: 'stores' };
  }
  const dates = modelDates(from, to, true);
  if ('status' in dates) return dates;
  return selection.every((id) => STORES.includes(id)) ? { status: 200, ...dates, stores: selection } : { status: 404 };
}

// ---------------------------------------------------------------------------------------------
// Generated queries.

const anyDay = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: dayNumber('2026-09-01')!, max: dayNumber('2026-12-31')! }) },
  { weight: 1, arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }) },
  // The edges of the dates the server reads: a diagnosis also reads the days before its period.
  { weight: 2, arbitrary: fc.integer({ min: FIRST_DAY, max: FIRST_DAY + MAX_DAYS + 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: LAST_DAY - MAX_DAYS, max: LAST_DAY }) },
);
const badDate = fc.oneof(
  fc.constantFrom('0099-12-31', '0000-01-01', '2023-02-29', '2026-13-01', '2026-11-31', '2026-1-01', '20261101', ' 2026-11-01', '2026-11-01T00:00:00Z', '10000-01-01', '', 'today'),
  fc.string({ maxLength: 12, unit: 'grapheme' }),
);
const datePair = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(anyDay, fc.oneof(fc.constantFrom(-1, 0, 1, 6, 30, MAX_DAYS - 1, MAX_DAYS), fc.integer({ min: -30, max: MAX_DAYS + 30 }))) .filter(([d, n]) => d + n >= FIRST_DAY && d + n <= LAST_DAY).map(([d, n]) => [format(d), format(d + n)] as const) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(anyDay.map(format), badDate), fc.oneof(anyDay.map(format), badDate)) },
);
const knownOrNot = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...STORES) }, { weight: 1, arbitrary: fc.constantFrom('S999', 'a1', 'Z_-9') });
const storeText = fc.oneof(
  { weight: 4, arbitrary: knownOrNot },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'A 1', 'A1,B2', 'all', 'é', 'x'.repeat(65), 'A1\n') },
  { weight: 1, arbitrary: fc.string({ maxLength: 10, unit: 'grapheme' }) },
);
const storesText = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(knownOrNot, fc.constantFrom('', ' ')), { minLength: 1, maxLength: 5 }).map((ids) => ids.map(([id, pad]) => `${pad}${id}${pad}`).join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('all', ' all', 'ALL', 'all,A1', 'A1,,B2', ',', 'A1,', Array.from({ length: 501 }, (_, i) => `X${i}`).join(','), [...Array.from({ length: 499 }, () => 'A1'), 'B2'].join(',')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }) },
);

/** A query: the parameters each present once, left out, or repeated, plus unrelated ones, in any order. */
function queryOf(storeKey: 'store' | 'stores', storeValue: fc.Arbitrary<string>): fc.Arbitrary<Query> {
  const times = fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(2) });
  return fc
    .record({
      store: fc.tuple(times, fc.array(storeValue, { minLength: 2, maxLength: 2 })),
      dates: datePair,
      fromTimes: times,
      toTimes: times,
      otherDate: fc.oneof(anyDay.map(format), badDate),
      extra: fc.array(fc.tuple(fc.constantFrom('x', 'Store', 'from ', '__proto__', 'constructor', storeKey === 'store' ? 'stores' : 'store', 'page'), fc.string({ maxLength: 6 })), { maxLength: 2 }),
    })
    .chain(({ store: [n, values], dates: [from, to], fromTimes, toTimes, otherDate, extra }) => {
      const pairs: Query = [
        ...values.slice(0, n).map((v): [string, string] => [storeKey, v]),
        ...(fromTimes ? [['from', from] as [string, string]] : []),
        ...(fromTimes > 1 ? [['from', otherDate] as [string, string]] : []),
        ...(toTimes ? [['to', to] as [string, string]] : []),
        ...(toTimes > 1 ? [['to', otherDate] as [string, string]] : []),
        ...extra,
      ];
      return fc.shuffledSubarray(pairs, { minLength: pairs.length });
    });
}

/** A query the model accepts (known stores, a range of 1 to 366 days in 2026), its parameters in any order. */
function validQueryOf(storeKey: 'store' | 'stores'): fc.Arbitrary<Query> {
  const stores = storeKey === 'store' ? fc.constantFrom(...STORES) : fc.oneof(fc.constant('all'), fc.subarray(STORES, { minLength: 1 }).map((ids) => ids.reverse().join(',')));
  return fc
    .tuple(stores, fc.integer({ min: dayNumber('2025-11-01')!, max: dayNumber('2026-12-31')! }), fc.integer({ min: 0, max: MAX_DAYS - 1 }))
    .chain(([store, from, n]) => fc.shuffledSubarray<[string, string]>([[storeKey, store], ['from', format(from)], ['to', format(from + n)]], { minLength: 3 }));
}

const encode = (query: Query): string => query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

async function checkRead(path: '/v1/metrics' | '/v1/diagnosis', query: Query, verdict: Verdict): Promise<void> {
  const url = `${path}?${encode(query)}`;
  const res = await inject({ method: 'GET', url });
  const where = `${url} (model: ${JSON.stringify(verdict)})`;
  if (verdict.status === 400) return expectRefusal(res, where, { status: 400, code: 'E_INVALID_REQUEST', parameter: verdict.parameter });
  if (verdict.status === 404) return expectRefusal(res, where, { status: 404, code: 'E_NOT_FOUND' });
  expect(res.statusCode, `${where} → ${res.body.slice(0, 300)}`).toBe(200);
  const body = res.json();
  const days = dayNumber(verdict.to)! - dayNumber(verdict.from)! + 1;
  if (path === '/v1/metrics') {
    expect(body.map((d: { date: string }) => d.date), where).toEqual(Array.from({ length: days }, (_, i) => format(dayNumber(verdict.from)! + i)));
    expect(new Set(body.map((d: { store_id: string }) => d.store_id)), where).toEqual(new Set(verdict.stores));
  } else {
    expect(body.store_ids, where).toEqual(verdict.stores);
    expect(body.period, where).toEqual({ from: verdict.from, to: verdict.to, days });
  }
}

// ---------------------------------------------------------------------------------------------

describe('HTTP query parameters (property)', () => {
  it('/v1/metrics answers as the model of its parameters says', async () => {
    const counts = { 200: 0, 400: 0, 404: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 2, arbitrary: queryOf('store', storeText) }, { weight: 1, arbitrary: validQueryOf('store') }), async (query) => {
        const verdict = modelMetrics(query);
        counts[verdict.status]++;
        await checkRead('/v1/metrics', query, verdict);
      }),
      { numRuns: 200 },
    );
    expect(counts[200]).toBeGreaterThan(40);
  });

  it('/v1/diagnosis answers as the model of its parameters says', async () => {
    const counts = { 200: 0, 400: 0, 404: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 2, arbitrary: queryOf('stores', storesText) }, { weight: 1, arbitrary: validQueryOf('stores') }), async (query) => {
        const verdict = modelDiagnosis(query);
        counts[verdict.status]++;
        // Twice: the server remembers parsed queries (only valid ones) and must answer the same.
        await checkRead('/v1/diagnosis', query, verdict);
        await checkRead('/v1/diagnosis', query, verdict);
      }),
      { numRuns: 150 },
    );
    expect(counts[200]).toBeGreaterThan(30);
  });

  it('no raw query string on any GET route gets a 5xx; a refusal has the error shape', async () => {
    const piece = fc.oneof(
      fc.constantFrom('store=A1', 'stores=A1,B2', 'stores=all', 'from=2026-11-01', 'to=2026-11-02', 'from=0100-01-01', 'to=9999-12-31', 'store=%', '%E0%A4%A', 'to=%FF', '__proto__[x]=1', 'stores[]=A1', '=', '&', '==&&', '+', '%00'),
      fc.string({ maxLength: 12, unit: fc.constantFrom(...'abcA1,=&%+-_.~ 09é'.split('')) }),
      fc.string({ maxLength: 8, unit: 'grapheme' }).map(encodeURIComponent),
    );
    const paths = ['/v1/metrics', '/v1/diagnosis', '/v1/stats', '/v1/runs', '/v1/queues', '/v1/hot-stores', '/healthz', '/readyz', '/metrics', '/'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.array(piece, { maxLength: 6 }), fc.constantFrom('&', ''), async (path, pieces, sep) => {
        const url = `${path}?${pieces.join(sep)}`;
        const res = await inject({ method: 'GET', url });
        expect(res.statusCode, `${url} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expectRefusal(res, url);
        // Only the two read routes have parameters: the others ignore the query.
        if (path !== '/v1/metrics' && path !== '/v1/diagnosis') expect(res.statusCode, url).toBe(200);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// POST /v1/runs bodies.

/** Whether fastify's JSON parser refuses the text for a `__proto__` key or a `constructor.prototype`. */
function poisoned(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(poisoned);
  if (value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') return true;
    if (k === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype')) return true;
    if (poisoned(v)) return true;
  }
  return false;
}

type RunVerdict = { status: 202 } | { status: 400 | 413 | 415; code: string; parameters?: string[] };

/** The model of `POST /v1/runs` for a parsed JSON body. */
function modelRunBody(body: unknown): RunVerdict {
  if (poisoned(body)) return { status: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { status: 400, code: 'E_INVALID_REQUEST', parameters: ['body'] };
  const bad: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'incremental') typeof value !== 'boolean' && bad.push('incremental');
    else if (key === 'policy') value !== 'default' && value !== 'seed' && bad.push('policy');
    else bad.push('body'); // an unknown key
  }
  return bad.length === 0 ? { status: 202 } : { status: 400, code: 'E_INVALID_REQUEST', parameters: bad };
}

async function checkRun(res: LightMyRequestResponse, verdict: RunVerdict, where: string): Promise<void> {
  where = `${where} (model: ${JSON.stringify(verdict)})`;
  if (verdict.status === 202) {
    expect(res.statusCode, `${where} → ${res.body.slice(0, 300)}`).toBe(202);
    const body = res.json();
    expect(body.runId, where).toMatch(/^run-\d{14}-http[a-z0-9]+$/);
    expect(body.workers, where).toBe(0);
    return;
  }
  expectRefusal(res, where, { status: verdict.status, code: verdict.code });
  if (verdict.parameters) expect(verdict.parameters, where).toContain(res.json().error.parameter);
}

const fieldValue = fc.oneof(fc.boolean(), fc.constantFrom('default', 'seed', 'Default', 'seed ', 'true', '', 0, 1, null, [], {}, { prototype: 1 }), fc.jsonValue({ maxDepth: 2 }));
const runBody = fc.oneof(
  { weight: 3, arbitrary: fc.record({ incremental: fieldValue, policy: fieldValue }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.record({ incremental: fc.boolean(), policy: fc.constantFrom('default', 'seed') }, { requiredKeys: [] }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.record({ incremental: fc.boolean(), policy: fc.constantFrom('default', 'seed') }, { requiredKeys: [] }), fc.constantFrom('x', 'end', 'runId', 'Incremental', 'constructor', '__proto__'), fieldValue)
      .map(([body, key, value]) => {
        const out: Record<string, unknown> = { ...body };
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true }); // `__proto__` as a key of its own
        return out;
      }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

describe('POST /v1/runs bodies (property)', () => {
  it('accepts a JSON body iff it is an object of incremental and policy; else 400 naming the field or the body', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(runBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON'), async (body, contentType) => {
        const payload = JSON.stringify(body);
        const verdict = modelRunBody(JSON.parse(payload));
        if (verdict.status === 202) accepted++;
        const res = await inject({ method: 'POST', url: '/v1/runs', payload, headers: { 'content-type': contentType } });
        await checkRun(res, verdict, `POST /v1/runs ${contentType} ${payload.slice(0, 200)}`);
      }),
      { numRuns: 250 },
    );
    expect(accepted).toBeGreaterThan(30);
  });

  it('refuses any other body with 400, 413 or 415 and the error shape; never a 5xx', async () => {
    const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'];
    const TEXT_TYPES = ['text/plain', 'text/plain; charset=utf-8', 'Text/Plain'];
    const OTHER_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'application/vnd.api+json', 'application/jsonx', 'text/html', 'é', ';'];
    const contentType = fc.oneof(fc.constantFrom(...JSON_TYPES, ...TEXT_TYPES, ...OTHER_TYPES), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\x20-\x7e]+$/.test(s)));
    const payload = fc.oneof(
      fc.string({ maxLength: 40, unit: 'grapheme' }),
      fc.constantFrom('', ' ', '{', '}', '[]', 'null', '"x"', '{"incremental":true} x', '{"policy":"seed"}', 'incremental=true', '\u0000', '\ufeff{}'),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(contentType, payload, async (type, body) => {
        const res = await inject({ method: 'POST', url: '/v1/runs', payload: body, headers: { 'content-type': type } });
        const where = `POST /v1/runs ${JSON.stringify(type)} ${JSON.stringify(String(body)).slice(0, 200)}`;
        expect(res.statusCode, `${where} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBeLessThan(500);
        const text = String(body);
        let verdict: RunVerdict | undefined;
        if (JSON_TYPES.includes(type)) {
          if (text === '') verdict = { status: 400, code: 'FST_ERR_CTP_EMPTY_JSON_BODY' };
          else {
            let parsed: unknown;
            try {
              parsed = JSON.parse(text.replace(/^\ufeff/, '')); // fastify's parser skips a byte order mark
            } catch {
              verdict = { status: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' };
            }
            verdict ??= modelRunBody(parsed);
          }
        } else if (TEXT_TYPES.includes(type)) verdict = { status: 400, code: 'E_INVALID_REQUEST', parameters: ['body'] }; // a string, not an object
        else if (OTHER_TYPES.includes(type)) verdict = { status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' };
        if (verdict) await checkRun(res, verdict, where);
        else if (res.statusCode !== 202) expectRefusal(res, where);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a body over 1 MiB with 413, and takes no body as a full run', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('application/json', 'text/plain'), fc.integer({ min: 1024 * 1024 + 1, max: 1024 * 1024 + 4096 }), async (type, size) => {
        const res = await inject({ method: 'POST', url: '/v1/runs', payload: `"${'x'.repeat(size - 2)}"`, headers: { 'content-type': type } });
        expectRefusal(res, `POST /v1/runs ${type} of ${size} bytes`, { status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      }),
      { numRuns: 4 },
    );
    await checkRun(await inject({ method: 'POST', url: '/v1/runs' }), { status: 202 }, 'POST /v1/runs without a body');
  });
});
