import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEZONE, StoreSchema, canonicalStoreIds, compareCodeUnits, isStoreId } from './store.js';

describe('canonicalStoreIds', () => {
  it('removes duplicates and sorts', () => {
    expect(canonicalStoreIds(['S3', 'S1', 'S2', 'S1', 'S3'])).toEqual(['S1', 'S2', 'S3']);
  });

  it('sorts by code unit, not by locale (uppercase, then _, then lowercase)', () => {
    expect(canonicalStoreIds(['b', 'a', 'B', 'A', 'a_1', '_x'])).toEqual(['A', 'B', '_x', 'a', 'a_1', 'b']);
    // '-' (0x2D) < '1' (0x31) < '_' (0x5F)
    expect(canonicalStoreIds(['s_1', 's1', 's-1', 'S1'])).toEqual(['S1', 's-1', 's1', 's_1']);
  });

  it('gives the same result for any order of the same set', () => {
    expect(canonicalStoreIds(['c', 'a', 'b', 'a'])).toEqual(canonicalStoreIds(new Set(['b', 'a', 'c'])));
  });

  it('handles the empty set', () => {
    expect(canonicalStoreIds([])).toEqual([]);
  });
});

describe('compareCodeUnits', () => {
  it('orders by UTF-16 code unit', () => {
    expect(compareCodeUnits('A', 'a')).toBeLessThan(0);
    expect(compareCodeUnits('a', 'A')).toBeGreaterThan(0);
    expect(compareCodeUnits('S10', 'S9')).toBeLessThan(0);
    expect(compareCodeUnits('x', 'x')).toBe(0);
  });
});

describe('isStoreId and StoreSchema', () => {
  it('accepts ids of 1 to 64 characters from [A-Za-z0-9_-]', () => {
    expect(isStoreId('S-001_a')).toBe(true);
    expect(isStoreId('x'.repeat(64))).toBe(true);
    expect(isStoreId('x'.repeat(65))).toBe(false);
    expect(isStoreId('')).toBe(false);
    expect(isStoreId('S 1')).toBe(false);
    expect(isStoreId('S:1')).toBe(false);
    expect(isStoreId('店1')).toBe(false);
  });

  it('defaults timezone to Asia/Shanghai and city to null', () => {
    const store = StoreSchema.parse({ store_id: 'S1', name: '静安店' });
    expect(store).toEqual({ store_id: 'S1', name: '静安店', city: null, timezone: DEFAULT_TIMEZONE });
    expect(DEFAULT_TIMEZONE).toBe('Asia/Shanghai');
  });

  it('rejects an unknown time zone, a bad id and an empty name', () => {
    expect(StoreSchema.safeParse({ store_id: 'S1', name: 'n', timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(StoreSchema.safeParse({ store_id: 'S 1', name: 'n' }).success).toBe(false);
    expect(StoreSchema.safeParse({ store_id: 'S1', name: '' }).success).toBe(false);
    expect(StoreSchema.safeParse({ store_id: 'S1', name: 'n', timezone: 'America/Los_Angeles' }).success).toBe(true);
  });
});
