import { type AccessEntry, decodeAccessEntry, encodeAccessEntry } from '@prewarm/cache';
import { describe, expect, it } from 'vitest';
import { parseAccessEntry, parseSetMember, parseStoreSet, setMember } from './access-entry.js';

/** The eight fields entries had before the one-field format; a stream may still hold some. */
const fields = (f: Record<string, string>): string[] => Object.entries(f).flat();
const read = { l: 'l3', s: 'B,A', f: '2026-11-01', t: '2026-11-30', h: '1', src: 'redis', us: '120', at: '1790000000000' };
const entry: AccessEntry = { level: 'l3', stores: 'B,A', from: '2026-11-01', to: '2026-11-30', hit: true, tier: 'redis', reads: 3, latencyUs: 120.4, at: 1790000000000 };
const compact = (e: Partial<AccessEntry>): string[] => ['e', encodeAccessEntry({ ...entry, ...e })];

describe('the one-field access entry', () => {
  it('round-trips an entry (latency rounded to whole µs)', () => {
    expect(encodeAccessEntry(entry)).toBe('l3 1 redis 3 120 1790000000000 2026-11-01 2026-11-30 B,A');
    expect(decodeAccessEntry(encodeAccessEntry(entry))).toEqual({ ...entry, latencyUs: 120 });
  });

  it('keeps a store set that contains spaces whole (the count of an L2 read inside an L3 computation)', () => {
    expect(decodeAccessEntry(encodeAccessEntry({ ...entry, level: 'l2', stores: '12 stores' }))?.stores).toBe('12 stores');
  });

  it.each([
    '',
    'l3 1 redis 1 120',
    'l3 1 redis 120 1 2026-11-01 2026-11-30 A', // no read count
    'l9 1 redis 1 120 1 2026-11-01 2026-11-30 A',
    'l3 yes redis 1 120 1 2026-11-01 2026-11-30 A',
    'l3 1 disk 1 120 1 2026-11-01 2026-11-30 A',
    'l3 1 redis 0 120 1 2026-11-01 2026-11-30 A',
    'l3 1 redis 2.5 120 1 2026-11-01 2026-11-30 A',
  ])('is null for %j', (text) => expect(decodeAccessEntry(text)).toBeNull());
});

describe('parseAccessEntry', () => {
  it('reads the entry AccessLog writes, with a canonical store set', () => {
    expect(parseAccessEntry(['1790000000999-0', compact({})])).toEqual({
      id: '1790000000999-0', level: 'l3', stores: ['A', 'B'], from: '2026-11-01', to: '2026-11-30', at: 1790000000000, reads: 3,
    });
  });

  it('reads the eight-field entries written before the one-field format (one read each)', () => {
    expect(parseAccessEntry(['1790000000999-0', fields(read)])).toEqual(parseAccessEntry(['1790000000999-0', compact({ reads: 1 })]));
  });

  it.each([
    ['an unknown level', compact({ level: 'l4' as never })],
    ['an L2 read over several stores, logged as a count', compact({ level: 'l2', stores: '7 stores' })],
    ['an empty store set', compact({ stores: ' , ' })],
    ['an L3 read without a valid range', compact({ to: '' })],
    ['an entry with another field', ['x', encodeAccessEntry(entry)]],
  ])('returns null for %s (one-field form)', (_name, f) => {
    expect(parseAccessEntry(['1-0', f])).toBeNull();
  });

  it('falls back to the stream id time when `at` is not a number', () => {
    expect(parseAccessEntry(['1790000000555-0', compact({ at: Number.NaN })])?.at).toBe(1790000000555);
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
  ])('returns null for %s (eight-field form)', (_name, f) => {
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
