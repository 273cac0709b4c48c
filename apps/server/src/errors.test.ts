import { readFileSync } from 'node:fs';
import { InvalidRequestError, NotFoundError } from '@prewarm/compute';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ERRORS, type HttpErrorCode, errorBody, errorHandler } from './errors.js';

const CONTRACT = new URL('../../../docs/contract.md', import.meta.url);
const codes = Object.keys(HTTP_ERRORS) as HttpErrorCode[];

/** The rows `| \`CODE\` | status | … |` of the error table in docs/contract.md (§9, HTTP, Errors). */
function documentedCodes(): { code: string; status: string }[] {
  const text = readFileSync(CONTRACT, 'utf8');
  const start = text.indexOf('#### Errors');
  expect(start, 'docs/contract.md has no "#### Errors" section').toBeGreaterThanOrEqual(0);
  const next = text.indexOf('\n## ', start);
  const section = text.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+?) \|/gm)].map((m) => ({ code: m[1]!, status: m[2]! }));
}

describe('the HTTP error table', () => {
  it('has unique codes of the E_* or FST_ERR_* form, each with a status and a description', () => {
    expect(new Set(codes.map((c) => c.toUpperCase())).size).toBe(codes.length);
    for (const code of codes) {
      const { status, description } = HTTP_ERRORS[code];
      expect(code).toMatch(/^(E|FST_ERR)_[A-Z0-9_]+$/);
      expect(status === '4xx' || (Number.isInteger(status) && status >= 400 && status < 600), `${code}: status ${status}`).toBe(true);
      expect(description.length, `${code}: description`).toBeGreaterThan(10);
    }
  });

  it('is documented in docs/contract.md, row for row, with the same statuses', () => {
    const rows = documentedCodes();
    expect(rows.map((r) => r.code).sort(), 'codes in docs/contract.md (#### Errors) vs HTTP_ERRORS').toEqual([...codes].sort());
    for (const { code, status } of rows) expect(status, `${code}: status in docs/contract.md`).toBe(String(HTTP_ERRORS[code as HttpErrorCode].status));
  });

  it('covers the codes the compute errors carry', () => {
    expect(codes).toContain(InvalidRequestError.code);
    expect(codes).toContain(NotFoundError.code);
  });
});

describe('errorBody', () => {
  it('is { error: { code, message, parameter? } }', () => {
    expect(errorBody('E_INVALID_REQUEST', 'bad from', 'from')).toEqual({ error: { code: 'E_INVALID_REQUEST', message: 'bad from', parameter: 'from' } });
    expect(JSON.stringify(errorBody('E_NOT_FOUND', 'unknown store: S9'))).toBe('{"error":{"code":"E_NOT_FOUND","message":"unknown store: S9"}}');
  });
});

describe('errorHandler', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    app.get('/invalid', async () => {
      throw new InvalidRequestError('from: "x" is not a date (YYYY-MM-DD)', 'from');
    });
    app.get('/unknown-store', async () => {
      throw new NotFoundError('unknown store: S999');
    });
    app.get('/coded-4xx', async () => {
      throw Object.assign(new Error('too many'), { statusCode: 429, code: 'FST_ERR_SOMETHING' });
    });
    app.get('/uncoded-4xx', async () => {
      throw Object.assign(new Error('gone'), { statusCode: 410 });
    });
    app.get('/broken', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    app.post('/body', async () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.body };
  };

  it('answers each error with its table status and the one body shape', async () => {
    expect(await get('/invalid')).toEqual({
      status: HTTP_ERRORS.E_INVALID_REQUEST.status,
      body: '{"error":{"code":"E_INVALID_REQUEST","message":"from: \\"x\\" is not a date (YYYY-MM-DD)","parameter":"from"}}',
    });
    expect(await get('/unknown-store')).toEqual({ status: HTTP_ERRORS.E_NOT_FOUND.status, body: '{"error":{"code":"E_NOT_FOUND","message":"unknown store: S999"}}' });
    expect(await get('/broken')).toEqual({
      status: HTTP_ERRORS.E_UNAVAILABLE.status,
      body: '{"error":{"code":"E_UNAVAILABLE","message":"the request could not be served; see the server log"}}',
    });
  });

  it('passes 4xx errors through with their own status and code (E_BAD_REQUEST without one)', async () => {
    expect(await get('/coded-4xx')).toEqual({ status: 429, body: '{"error":{"code":"FST_ERR_SOMETHING","message":"too many"}}' });
    expect(await get('/uncoded-4xx')).toEqual({ status: 410, body: '{"error":{"code":"E_BAD_REQUEST","message":"gone"}}' });
  });

  it("answers fastify's body errors with the table's codes and statuses", async () => {
    const cases: [HttpErrorCode, InjectOptions][] = [
      ['FST_ERR_CTP_INVALID_JSON_BODY', { method: 'POST', url: '/body', headers: { 'content-type': 'application/json' }, payload: '{bad' }],
      ['FST_ERR_CTP_EMPTY_JSON_BODY', { method: 'POST', url: '/body', headers: { 'content-type': 'application/json' }, payload: '' }],
      ['FST_ERR_CTP_INVALID_MEDIA_TYPE', { method: 'POST', url: '/body', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }],
      ['FST_ERR_CTP_BODY_TOO_LARGE', { method: 'POST', url: '/body', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(1024 * 1024)}"` }],
    ];
    for (const [code, request] of cases) {
      const r = await app.inject(request);
      expect({ status: r.statusCode, code: (r.json() as { error: { code: string } }).error.code }).toEqual({ status: HTTP_ERRORS[code].status, code });
    }
  });
});
