import { describe, expect, it } from 'vitest';
import { Keyspace, storeSetId } from './keys.js';

describe('Keyspace', () => {
  const keys = new Keyspace('pw');

  it('puts a store’s entries and their leases under the store’s hash tag', () => {
    expect(keys.l1('S001', '2026-11')).toBe('pw:{S001}:l1:2026-11');
    expect(keys.l2('S001', '2026-11-30')).toBe('pw:{S001}:l2:2026-11-30');
    expect(keys.lease(keys.l2('S001', '2026-11-30'))).toBe('pw:{S001}:l2:2026-11-30:lease');
    expect(keys.storePatterns('S001')).toEqual(['pw:{S001}:l1:*', 'pw:{S001}:l2:*']);
  });

  it('keys L3 by a canonical set id and the generation signature', () => {
    expect(keys.l3('all', { from: '2026-11-01', to: '2026-11-30' }, 'sig')).toBe('pw:l3:{all}:2026-11-01:2026-11-30:sig');
    expect(keys.l3(['S001'], { from: '2026-11-01', to: '2026-11-30' }, 'sig')).toBe('pw:l3:{s:S001}:2026-11-01:2026-11-30:sig');
    expect(storeSetId(['A', 'B'])).toMatch(/^h:[A-Za-z0-9_-]{22}$/);
    expect(storeSetId(['A', 'B'])).toBe(storeSetId(['A', 'B']));
    expect(storeSetId(['A', 'B'])).not.toBe(storeSetId(['A', 'C']));
  });

  it('tells entries from leases and foreign keys', () => {
    expect(keys.levelOf('pw:{S1}:l1:2026-11')).toBe('l1');
    expect(keys.levelOf('pw:{S1}:l2:2026-11-01')).toBe('l2');
    expect(keys.levelOf('pw:l3:{all}:a:b:c')).toBe('l3');
    expect(keys.levelOf('pw:{S1}:l2:2026-11-01:lease')).toBeNull();
    expect(keys.levelOf('other:{S1}:l2:2026-11-01')).toBeNull();
    expect(keys.levelOf('pw:{state}:stats')).toBeNull();
  });

  it('puts every state key under the {state} hash tag', () => {
    const state = [
      keys.generations, keys.stats, keys.accessStream, keys.memoryTierReport('p1'), keys.watermarks,
      keys.hotStores, keys.hotSets, keys.hotMeta, keys.hotCounts,
      keys.run('r1'), keys.runProgress('r1'), keys.runs, keys.heartbeat('w1'), keys.slot('full:2026-11-26T18:00:00.000Z'),
    ];
    for (const key of state) expect(key).toMatch(/^pw:\{state\}:/);
    expect(new Set(state).size).toBe(state.length);
    expect(keys.slot('full:2026-11-26T18:00:00.000Z')).toBe('pw:{state}:slot:full:2026-11-26T18:00:00.000Z');
    expect(keys.heartbeat('w1')).toBe('pw:{state}:worker:w1');
    expect(keys.heartbeatPattern).toBe('pw:{state}:worker:*');
  });
});
