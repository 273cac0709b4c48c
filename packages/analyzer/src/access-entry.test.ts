import { describe, expect, it } from 'vitest';
import { parseAccessEntry, parseSetMember, parseStoreSet, setMember } from './access-entry.js';

const fields = (f: Record<string, string>): string[] => Object.entries(f).flat();
const read = { l: 'l3', s: 'B,A', f: '2026-11-01', t: '2026-11-30', h: '1', src: 'redis', us: '120', at: '1790000000000' };

describe('parseAccessEntry', () => {
  it('reads the fields AccessLog writes, with a canonical store set', () => {
    expect(parseAccessEntry(['1790000000999-0', fields(read)])).toEqual({
      id: '1790000000999-0', level: 'l3', stores: ['A', 'B'], from: '2026-11-01', to: '2026-11-30', at: 1790000000000,
    });
  });

  it('falls back to the stream id time when `at` is missing or not a number', () => {
    expect(parseAccessEntry(['1790000000999-3', fields({ ...read, at: 'soon' })])?.at).toBe(1790000000999);
    const { at: _, ...noAt } = read;
    expect(parseAccessEntry(['1790000000777-0', fields(noAt)])?.at).toBe(1790000000777);
  });

  it.each([
    ['a trimmed entry', null],
    ['an unknown level', fields({ ...read, l: 'l4' })],
    ['an L2 read over several stores, logged as a count', fields({ ...read, l: 'l2', s: '7 stores' })],
    ['an empty store set', fields({ ...read, s: ' , ' })],
    ['an L3 read without a valid range', fields({ ...read, t: '' })],
  ])('returns null for %s', (_name, f) => {
    expect(parseAccessEntry(['1-0', f])).toBeNull();
  });

  it('does not need a range below L3', () => {
    expect(parseAccessEntry(['1-0', fields({ ...read, l: 'l1', s: 'S1', f: '', t: '' })])).toMatchObject({ level: 'l1', stores: ['S1'] });
  });
});

describe('store sets and set members', () => {
  it('sorts by code unit and drops duplicates', () => {
    expect(parseStoreSet('b, B ,a,B')).toEqual(['B', 'a', 'b']);
    expect(parseStoreSet('all')).toBe('all');
  });

  it('round-trips a member, even when an id contains a bar', () => {
    const member = setMember({ stores: ['A|1', 'B'], from: '2026-11-01', to: '2026-11-07' });
    expect(member).toBe('A|1,B|2026-11-01|2026-11-07');
    expect(parseSetMember(member)).toEqual({ stores: 'A|1,B', from: '2026-11-01', to: '2026-11-07' });
    expect(parseSetMember('no-range')).toBeNull();
  });
});
