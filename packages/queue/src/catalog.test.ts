import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, InvalidResultError, JOBS, backoffWithJitter, parsePayload, parseResult } from './catalog.js';
import { type Handlers, processorFor } from './processor.js';

/** The error a call throws (fails the test when it returns). */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const warmStore = { runId: 'run-1', storeId: 'S001', phase: 'hot', range: { from: '2026-10-01', to: '2026-11-29' }, diagnosisRanges: [] };

describe('job catalog', () => {
  it('gives every job a queue, a schema, retries, a timeout and bounded retention', () => {
    for (const [name, spec] of Object.entries(JOBS)) {
      expect(['runs', 'warm'], name).toContain(spec.queue);
      expect(spec.attempts).toBeGreaterThanOrEqual(1);
      expect(spec.timeoutMs).toBeGreaterThan(0);
      expect(spec.retention.removeOnComplete.count).toBeGreaterThan(0);
      expect(spec.retention.removeOnFail.age).toBeGreaterThan(0);
      expect(typeof spec.result.safeParse, name).toBe('function');
    }
  });

  it('parses job results with their schema', () => {
    const warm = { l1: 2, l2: 60, l3: 2, rawBytes: 100, storedBytes: 40, skippedRows: 0, storeId: 'S001', durationMs: 12.5 };
    expect(parseResult('warm-store', warm)).toEqual(warm);
    expect(parseResult('warm-sets', { l1: 0, l2: 0, l3: 1, rawBytes: 9, storedBytes: 5, skippedRows: 3 })).toMatchObject({ l3: 1, skippedRows: 3 });
    const analysis = { fallback: false, demand: [{ store_id: 'S001', score: 1.5 }], fallbackHot: [], sets: [{ stores: 'S001,S002', from: '2026-11-01', to: '2026-11-30', score: 2 }] };
    expect(parseResult('analyze-hot', analysis)).toEqual(analysis);
    expect(parseResult('run', { runId: 'r', status: 'completed', phases: [] })).toEqual({ runId: 'r', status: 'completed' });
  });

  it.each([
    ['warm-store', { l1: 1, l2: -1, l3: 0, rawBytes: 0, storedBytes: 0, skippedRows: 0 }, 'l2'],
    ['warm-sets', { l1: 0, l2: 0, l3: 0, rawBytes: 0, storedBytes: 0 }, 'skippedRows'],
    ['analyze-hot', { fallback: true, demand: [{ store_id: 'S 1', score: 1 }], fallbackHot: [], sets: [] }, 'demand'],
    ['run', { runId: 'r', status: 'lost' }, 'status'],
  ] as const)('rejects a bad %s result naming the field', (name, value, field) => {
    const err = thrown(() => parseResult(name, value));
    expect(err).toBeInstanceOf(InvalidResultError);
    expect(err.message).toContain(field);
    expect(err.message).not.toContain('\n');
  });

  it('validates payloads and fills defaults', () => {
    expect(parsePayload('warm-store', warmStore)).toMatchObject({ storeId: 'S001', incremental: false });
    expect(parsePayload('run', { runId: 'r', end: '2026-11-29' })).toEqual({ runId: 'r', end: '2026-11-29', incremental: false, policy: 'default' });
  });

  it.each([
    ['warm-store', { ...warmStore, storeId: 'S 1' }, 'storeId'],
    ['warm-store', { ...warmStore, phase: 'lukewarm' }, 'phase'],
    ['warm-store', { ...warmStore, range: { from: 'yesterday', to: '2026-11-29' } }, 'range.from'],
    ['run', { runId: 'r', end: '2026-11-29', policy: 'random' }, 'policy'],
    ['warm-sets', { runId: 'r', phase: 'global', targets: [] }, 'targets'],
  ] as const)('rejects a bad %s payload naming the field', (name, payload, field) => {
    const err = thrown(() => parsePayload(name, payload));
    expect(err).toBeInstanceOf(InvalidPayloadError);
    expect(err.message).toContain(field);
    expect(err.message).not.toContain('\n');
  });

  it('backs off exponentially with jitter, within [cap/2, cap]', () => {
    expect(backoffWithJitter(1, 1000, () => 0)).toBe(500);
    expect(backoffWithJitter(1, 1000, () => 1)).toBe(1000);
    expect(backoffWithJitter(3, 1000, () => 0)).toBe(2000);
    expect(backoffWithJitter(3, 1000, () => 1)).toBe(4000);
  });
});

describe('processorFor', () => {
  const job = (name: string, data: unknown) => ({ name, data }) as never;

  it('fails a bad payload at once with UnrecoverableError (no retries)', async () => {
    const processor = processorFor({ 'warm-store': async () => 'ran' } as unknown as Handlers);
    await expect(processor(job('warm-store', { ...warmStore, storeId: '' }))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(processor(job('warm-store', { ...warmStore, storeId: '' }))).rejects.toThrow(/invalid warm-store payload: .*storeId/);
  });

  it('fails an unknown job name without retries', async () => {
    await expect(processorFor({} as Handlers)(job('frobnicate', {}))).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('hands the validated payload to the handler', async () => {
    const processor = processorFor({ 'warm-store': async (p: { incremental: boolean }) => p.incremental } as unknown as Handlers);
    await expect(processor(job('warm-store', warmStore))).resolves.toBe(false);
  });
});
