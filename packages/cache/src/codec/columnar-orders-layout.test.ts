import { ORDER_STATUSES, type Order } from '@prewarm/domain';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';
import { columnarOrdersLayout as layout } from './columnar-orders-layout.js';
import { writeDictionary } from './dictionary-column.js';
import { CodecError, CorruptPayloadError, UnencodableValueError } from './errors.js';
import { jsonLayout } from './json-layout.js';
import { writeCounts, writeTimes } from './number-columns.js';
import { writeOrderIds } from './order-id-column.js';
import { writeStrings } from './string-block.js';

/** mulberry32: a small seeded PRNG, so every run checks the same cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = Date.UTC(2025, 4, 1);

/** Orders shaped like the sample data: one store, sequential global ids, whole seconds. */
function chunk(rows: number, seed = 1): Order[] {
  const rnd = prng(seed);
  const out: Order[] = [];
  let id = 1000;
  let at = BASE;
  for (let i = 0; i < rows; i++) {
    id += 1 + Math.floor(rnd() * 40);
    at += Math.floor(rnd() * 600) * 1000;
    const gross = 2000 + Math.floor(rnd() * 18_000);
    out.push({
      orderId: `O${String(id).padStart(9, '0')}`,
      storeId: 'S001',
      channel: ['meituan', 'eleme', 'jddj', 'pickup'][Math.floor(rnd() * 4)]!,
      status: ORDER_STATUSES[rnd() < 0.9 ? 0 : rnd() < 0.5 ? 1 : 2],
      orderedAt: at,
      items: 1 + Math.floor(rnd() * 8),
      grossCents: gross,
      discountCents: Math.floor(gross * rnd() * 0.3),
      packagingCents: Math.floor(rnd() * 300),
      deliveryCents: Math.floor(rnd() * 800),
      commissionCents: Math.floor(gross * 0.2),
      costCents: Math.floor(gross * 0.5),
      updatedAt: at + (3 + Math.floor(rnd() * 40)) * 60_000,
    });
  }
  return out;
}

const INTERESTING_STRINGS = ['', 'a', 'S001', '美团外卖', 'emoji 🍜🥟', '\u0000', 'x'.repeat(300), '\uD800', '\uDC00lone', 'é'.normalize('NFD'), 'O000000001', '123'];
const INTERESTING_INTEGERS = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 52, Number.MAX_SAFE_INTEGER];
const INTERESTING_TIMES = [0, -1, 1, -86_400_000, Date.UTC(1900, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59, 999), BASE, BASE + 0.5, -8.64e15, 8.64e15, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -0];

/** Any valid `Order[]`: realistic runs mixed with extreme strings, amounts and times. */
function randomOrders(rnd: () => number): Order[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const style = Math.floor(rnd() * 4); // 0 realistic, 1 extreme ids, 2 extreme numbers, 3 everything
  const rows = Math.floor(rnd() * (rnd() < 0.2 ? 600 : 40));
  const base = chunk(rows, Math.floor(rnd() * 1e9));
  const text = (): string => (rnd() < 0.5 ? pick(INTERESTING_STRINGS) : String.fromCharCode(...Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => Math.floor(rnd() * 0xffff))));
  const integer = (): number => (rnd() < 0.5 ? pick(INTERESTING_INTEGERS) : Math.floor(rnd() * 2 ** (1 + Math.floor(rnd() * 53))));
  const time = (): number => (rnd() < 0.5 ? pick(INTERESTING_TIMES) : Math.round((rnd() - 0.5) * 2 ** 44));
  return base.map((o) => {
    const extremeIds = style === 1 || style === 3;
    const extremeNumbers = style === 2 || style === 3;
    return {
      ...o,
      orderId: extremeIds && rnd() < 0.3 ? text() : o.orderId,
      storeId: extremeIds && rnd() < 0.5 ? text() : o.storeId,
      channel: extremeIds && rnd() < 0.5 ? text() : o.channel,
      orderedAt: extremeNumbers && rnd() < 0.3 ? time() : o.orderedAt,
      updatedAt: extremeNumbers && rnd() < 0.3 ? time() : o.updatedAt,
      grossCents: extremeNumbers && rnd() < 0.3 ? integer() : o.grossCents,
      costCents: extremeNumbers && rnd() < 0.3 ? integer() : o.costCents,
      items: extremeNumbers && rnd() < 0.1 ? integer() : o.items,
    };
  });
}

function roundTrip(orders: Order[]): Order[] {
  return layout.decode(layout.encode(orders));
}

/** The first difference under `Object.is` (so `-0` ≠ `0`), or null. */
function firstDifference(actual: Order[], expected: Order[]): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const keys = Object.keys(e) as (keyof Order)[];
    if (Object.keys(a).length !== keys.length) return `row ${i} has keys ${Object.keys(a).join(',')}`;
    for (const key of keys) if (!Object.is(a[key], e[key])) return `row ${i} ${key}: ${String(a[key])} ≠ ${String(e[key])}`;
  }
  return null;
}

/** Exact equality, `-0` and lone surrogates included. */
function expectSame(actual: Order[], expected: Order[]): void {
  expect(firstDifference(actual, expected)).toBeNull();
}

/** Why a decoded value is not a well-formed order, or null. */
function malformed(o: Order): string | null {
  for (const key of ['orderId', 'storeId', 'channel'] as const) if (typeof o[key] !== 'string') return `${key} is ${typeof o[key]}`;
  if (!(ORDER_STATUSES as readonly string[]).includes(o.status)) return `status ${String(o.status)}`;
  for (const key of ['orderedAt', 'updatedAt', 'items', 'grossCents', 'discountCents', 'packagingCents', 'deliveryCents', 'commissionCents', 'costCents'] as const) {
    if (typeof o[key] !== 'number') return `${key} is ${typeof o[key]}`;
  }
  return null;
}

describe('columnarOrdersLayout round trips', () => {
  it('has the stable id and name of the envelope', () => {
    expect(layout.id).toBe(3);
    expect(layout.name).toBe('columnar-orders');
  });

  it('round-trips an empty array', () => {
    expect(roundTrip([])).toEqual([]);
    expect(layout.encode([]).length).toBeLessThan(40);
  });

  it.each([1, 2, 300, 3000])('round-trips a realistic chunk of %i rows, keeping row order', (rows) => {
    const orders = chunk(rows, rows);
    expectSame(roundTrip(orders), orders);
    const shuffled = [...orders].reverse();
    expectSame(roundTrip(shuffled), shuffled);
  });

  it('stores a realistic chunk in under 25 bytes a row (about 8 % of row JSON) before compression', () => {
    const orders = chunk(3000);
    const bytes = layout.encode(orders).length;
    expect(bytes / orders.length).toBeLessThan(25);
    expect(bytes / jsonLayout.encode(orders).length).toBeLessThan(0.1);
  });

  it('round-trips arbitrary unicode ids, lone surrogates included', () => {
    const orders = chunk(INTERESTING_STRINGS.length).map((o, i) => ({
      ...o,
      orderId: INTERESTING_STRINGS[i]!,
      storeId: INTERESTING_STRINGS[(i + 3) % INTERESTING_STRINGS.length]!,
      channel: INTERESTING_STRINGS[(i + 5) % INTERESTING_STRINGS.length]!,
    }));
    expectSame(roundTrip(orders), orders);
  });

  it('round-trips a lone high surrogate split from its low one across two ids', () => {
    const orders = chunk(2).map((o, i) => ({ ...o, orderId: i === 0 ? 'a\uD83C' : '\uDF5Cb' }));
    expectSame(roundTrip(orders), orders);
  });

  it.each([
    ['sequential padded ids', ['O000000001', 'O000000002', 'O000000010']],
    ['descending ids', ['O000000010', 'O000000002', 'O000000001']],
    ['unpadded ids of several widths', ['A1', 'A10', 'A999', 'A0']],
    ['padded and unpadded mixed', ['A01', 'A1', 'A001']],
    ['leading zeros of unequal widths', ['B0001', 'B01']],
    ['digits only', ['1', '22', '333']],
    ['zero-padded digits only', ['001', '002']],
    ['different prefixes', ['O1', 'P2', 'O3']],
    ['a prefix ending in a digit elsewhere', ['O-1', 'O1-2']],
    ['sixteen digits (beyond the numeric path)', ['O1234567890123456', 'O1234567890123457']],
    ['fifteen nines', ['X999999999999999', 'X000000000000000']],
    ['non-ASCII digits', ['O١٢٣', 'O١٢٤']],
    ['no digits', ['alpha', 'beta']],
    ['duplicates', ['O000000005', 'O000000005']],
    ['uuids', ['3f1c2a9e-0000-4000-8000-000000000001', '3f1c2a9e-0000-4000-8000-000000000002']],
  ])('round-trips %s', (_name, ids) => {
    const orders = chunk(ids.length).map((o, i) => ({ ...o, orderId: ids[i]! }));
    expectSame(roundTrip(orders), orders);
  });

  it('round-trips amounts from 0 to Number.MAX_SAFE_INTEGER', () => {
    const orders = chunk(INTERESTING_INTEGERS.length).map((o, i) => {
      const n = INTERESTING_INTEGERS[i]!;
      return { ...o, items: n, grossCents: n, discountCents: n, packagingCents: n, deliveryCents: n, commissionCents: n, costCents: n };
    });
    expectSame(roundTrip(orders), orders);
  });

  it('round-trips amounts sharing a divisor (whole yuan)', () => {
    const orders = chunk(50).map((o) => ({ ...o, grossCents: Math.round(o.grossCents / 100) * 100 }));
    expectSame(roundTrip(orders), orders);
  });

  it('round-trips times before 1970, fractional, -0, far apart, and updatedAt before orderedAt', () => {
    const orders = chunk(INTERESTING_TIMES.length).map((o, i) => ({
      ...o,
      orderedAt: INTERESTING_TIMES[i]!,
      updatedAt: INTERESTING_TIMES[INTERESTING_TIMES.length - 1 - i]!,
    }));
    expectSame(roundTrip(orders), orders);
    const negative = chunk(20).map((o) => ({ ...o, orderedAt: o.orderedAt - 2 * BASE, updatedAt: o.orderedAt - 2 * BASE - 1 }));
    expectSame(roundTrip(negative), negative);
  });

  it('round-trips store dictionaries beyond 256 values', () => {
    const orders = chunk(700).map((o, i) => ({ ...o, storeId: `S${i % 300}` }));
    expectSame(roundTrip(orders), orders);
  });

  it('round-trips seeded random Order[] (400 cases)', () => {
    const rnd = prng(20_250_531);
    for (let c = 0; c < 400; c++) {
      const orders = randomOrders(rnd);
      expect(firstDifference(roundTrip(orders), orders), `case ${c}`).toBeNull();
    }
  });

  it('returns fresh objects, not views of the input', () => {
    const orders = chunk(3);
    const back = roundTrip(orders);
    back[0]!.grossCents = -1;
    expect(orders[0]!.grossCents).not.toBe(-1);
  });
});

describe('columnarOrdersLayout refuses what it cannot store', () => {
  const one = chunk(1)[0]!;

  it.each([
    ['an unknown status', { ...one, status: 'pending' }],
    ['a numeric amount given as text', { ...one, grossCents: '100' }],
    ['a time given as a Date', { ...one, orderedAt: new Date(BASE) }],
    ['a missing order id', { ...one, orderId: undefined }],
    ['a numeric store id', { ...one, storeId: 7 }],
  ])('rejects %s with UnencodableValueError', (_name, bad) => {
    expect(() => layout.encode([one, bad as unknown as Order])).toThrow(UnencodableValueError);
  });

  it('rejects a value that is not an array, and holes', () => {
    expect(() => layout.encode({} as unknown as Order[])).toThrow(UnencodableValueError);
    expect(() => layout.encode([one, null as unknown as Order])).toThrow(UnencodableValueError);
  });
});

describe('columnarOrdersLayout rejects corrupt input', () => {
  const orders = chunk(200);
  const good = layout.encode(orders);

  it('rejects every truncation with CorruptPayloadError', () => {
    for (let cut = 0; cut < good.length; cut++) {
      expect(() => layout.decode(good.subarray(0, cut)), `cut at ${cut}`).toThrow(CorruptPayloadError);
    }
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => layout.decode(longer)).toThrow(/trailing bytes/);
  });

  it('rejects an unknown format version', () => {
    const copy = Uint8Array.from(good);
    copy[0] = 2;
    expect(() => layout.decode(copy)).toThrow(/unknown format version 2/);
  });

  it('rejects a row count larger than the payload can hold', () => {
    const w = new ByteWriter();
    w.u8(1);
    w.uvarint(1_000_000_000);
    expect(() => layout.decode(w.finish())).toThrow(/count 1000000000 exceeds/);
  });

  /** A payload written column by column, so single fields can be made wrong. */
  function handWritten(edit: { statuses?: string[]; channelIndexes?: number[]; idKind?: number; timeKind?: number }): Uint8Array {
    const rows = chunk(2);
    const w = new ByteWriter();
    w.u8(1);
    w.uvarint(2);
    if (edit.idKind === undefined) writeOrderIds(w, rows.map((o) => o.orderId));
    else w.u8(edit.idKind);
    writeDictionary(w, 'test', 'storeId', ['S001', 'S001']);
    w.uvarint(2); // the channel column, by hand: a dictionary of two, then one index byte a row
    writeStrings(w, ['eleme', 'jddj']);
    w.raw(Uint8Array.from(edit.channelIndexes ?? [0, 1]));
    writeDictionary(w, 'test', 'status', edit.statuses ?? ['completed', 'refunded']);
    if (edit.timeKind === undefined) writeTimes(w, Float64Array.of(BASE, BASE + 1000), null);
    else w.u8(edit.timeKind);
    writeTimes(w, Float64Array.of(BASE + 5000, BASE + 9000), Float64Array.of(BASE, BASE + 1000));
    for (let c = 0; c < 7; c++) writeCounts(w, Float64Array.of(1, 2));
    return w.finish();
  }

  it('decodes a hand-written payload (the baseline of the cases below)', () => {
    const decoded = layout.decode(handWritten({}));
    expect(decoded.map((o) => [o.channel, o.status, o.updatedAt - o.orderedAt])).toEqual([
      ['eleme', 'completed', 5000],
      ['jddj', 'refunded', 8000],
    ]);
  });

  it('rejects a status outside the domain', () => {
    expect(() => layout.decode(handWritten({ statuses: ['completed', 'pending'] }))).toThrow(/status "pending" is not allowed/);
  });

  it('rejects unknown column encodings', () => {
    expect(() => layout.decode(handWritten({ idKind: 9 }))).toThrow(/unknown order id encoding 9/);
    expect(() => layout.decode(handWritten({ timeKind: 9 }))).toThrow(CorruptPayloadError);
  });

  it('rejects a dictionary index outside the dictionary', () => {
    expect(() => layout.decode(handWritten({ channelIndexes: [0, 2] }))).toThrow(/channel index 2 outside a dictionary of 2/);
  });

  it('rejects a varint longer than 8 bytes and values above 2^53', () => {
    const w = new ByteWriter();
    w.u8(1);
    for (let i = 0; i < 9; i++) w.u8(0xff);
    w.u8(0);
    expect(() => layout.decode(w.finish())).toThrow(/varint longer than 8 bytes/);
    const big = new ByteWriter();
    big.u8(1);
    for (let i = 0; i < 7; i++) big.u8(0xff);
    big.u8(0x7f); // 2^56 − 1
    expect(() => layout.decode(big.finish())).toThrow(/above 2\^53/);
  });

  it('never returns malformed orders from mutated bytes: it throws a CodecError or returns valid shapes', () => {
    const rnd = prng(7);
    let thrown = 0;
    for (let c = 0; c < 2000; c++) {
      const copy = Uint8Array.from(good);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) copy[Math.floor(rnd() * copy.length)] = Math.floor(rnd() * 256);
      let decoded: Order[];
      try {
        decoded = layout.decode(copy);
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
        thrown++;
        continue;
      }
      const problems = decoded.map(malformed).filter((p) => p !== null);
      expect(problems, `case ${c}`).toEqual([]);
    }
    expect(thrown).toBeGreaterThan(500);
  });
});
