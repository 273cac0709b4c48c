import type { Order } from '@prewarm/domain';
import { describe, expect, it } from 'vitest';
import { type Codec, codecByIds, decodePayload, decodePayloadAsync, encodePayload, encodePayloadAsync } from './codec.js';
import { columnarOrdersLayout } from './columnar-orders-layout.js';
import { type Compressor, identityCompressor } from './compressor.js';
import { CodecError, CorruptPayloadError, UnencodableValueError, UnknownCodecError } from './errors.js';
import { jsonLayout, jsonLayoutOf, rowJsonLayout } from './json-layout.js';
import { LAYOUT_IDS, type Layout } from './layout.js';
import { layoutById, layoutByName } from './layout-registry.js';
import { msgpackLayout } from './msgpack-layout.js';
import { brotliCompressor, gzipCompressor } from './zlib-compressors.js';
import { zstdCompressor } from './zstd-compressor.js';

const COMPRESSORS: Compressor[] = [identityCompressor, gzipCompressor(1), gzipCompressor(6), brotliCompressor(5), zstdCompressor(1), zstdCompressor(3)];

function orders(rows: number): Order[] {
  return Array.from({ length: rows }, (_, i) => ({
    orderId: `O${String(1000 + i * 7).padStart(9, '0')}`,
    storeId: 'S042',
    channel: ['meituan', 'eleme', 'pickup'][i % 3]!,
    status: i % 11 === 0 ? 'refunded' : 'completed',
    orderedAt: Date.UTC(2025, 4, 1) + i * 97_000,
    items: 1 + (i % 5),
    grossCents: 2500 + ((i * 7919) % 15_000),
    discountCents: (i * 31) % 900,
    packagingCents: i % 300,
    deliveryCents: (i * 13) % 800,
    commissionCents: (i * 17) % 3000,
    costCents: 1200 + ((i * 29) % 6000),
    updatedAt: Date.UTC(2025, 4, 1) + i * 97_000 + 600_000,
  }));
}

const diagnosis = {
  store_ids: ['S001', 'S002'],
  period: { from: '2025-05-01', to: '2025-05-30', days: 30 },
  totals: { orders: 1200, margin: 0.1834, by_hour: Array.from({ length: 24 }, (_, h) => h * 3), by_channel: { 美团: { orders: 7, revenue_cents: 12_345 } } },
  change: { revenue: -0.2, orders: null, profit: 0.05 },
  findings: [{ store_id: 'S002', code: 'MARGIN_LOW', severity: 'warning', value: 0.12, threshold: 0.15 }],
  note: 'emoji 🍜, a lone surrogate \uD800 and a NUL \u0000',
};

/** msgpackr writes lone surrogates as U+FFFD: its layout is for comparison only. */
const wellFormedDiagnosis = { ...diagnosis, note: 'emoji 🍜 and a NUL \u0000' };

const CASES: [string, Layout<unknown>, unknown][] = [
  ['json / diagnosis', jsonLayout, diagnosis],
  ['json / orders', rowJsonLayout as Layout<unknown>, orders(50)],
  ['msgpack-rows / diagnosis', msgpackLayout, wellFormedDiagnosis],
  ['msgpack-rows / orders', msgpackLayout, orders(50)],
  ['columnar-orders / orders', columnarOrdersLayout as Layout<unknown>, orders(500)],
  ['columnar-orders / no orders', columnarOrdersLayout as Layout<unknown>, []],
];

describe('every layout × every compressor', () => {
  for (const [name, layout, value] of CASES) {
    describe(name, () => {
      it.each(COMPRESSORS.map((c) => [c.label, c] as const))('round-trips with %s, sync and async', async (_label, compressor) => {
        const codec: Codec<unknown> = { layout, compressor };
        const stored = encodePayload(codec, value);
        expect(decodePayload(codec, stored)).toStrictEqual(value);
        const storedAsync = await encodePayloadAsync(codec, value);
        expect(await decodePayloadAsync(codec, storedAsync)).toStrictEqual(value);
        // A reader that only has the ids from the envelope gets the same value back.
        expect(decodePayload(codecByIds(layout.id, compressor.id), stored)).toStrictEqual(value);
      });
    });
  }

  it('rejects a payload read with the wrong layout as a CodecError', () => {
    const stored = encodePayload({ layout: columnarOrdersLayout, compressor: gzipCompressor(6) }, orders(20));
    expect(() => decodePayload({ layout: jsonLayout, compressor: gzipCompressor(6) }, stored)).toThrow(CorruptPayloadError);
    const json = encodePayload({ layout: jsonLayout, compressor: gzipCompressor(6) }, { a: 1 });
    expect(() => decodePayload({ layout: columnarOrdersLayout, compressor: gzipCompressor(6) }, json)).toThrow(CorruptPayloadError);
  });

  it('rejects a payload read with the wrong compressor as a CodecError', async () => {
    const stored = encodePayload({ layout: jsonLayout, compressor: gzipCompressor(6) }, diagnosis);
    expect(() => decodePayload({ layout: jsonLayout, compressor: zstdCompressor(3) }, stored)).toThrow(CodecError);
    await expect(decodePayloadAsync({ layout: jsonLayout, compressor: brotliCompressor(5) }, stored)).rejects.toThrow(CodecError);
  });
});

describe('jsonLayout', () => {
  it('writes UTF-8 JSON text', () => {
    expect(Buffer.from(jsonLayout.encode({ a: '美' })).toString('utf8')).toBe('{"a":"美"}');
    expect(jsonLayoutOf<{ a: number }>()).toBe(jsonLayout);
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => jsonLayout.encode(undefined)).toThrow(UnencodableValueError);
    expect(() => jsonLayout.encode(() => 1)).toThrow(UnencodableValueError);
  });

  it.each([
    ['empty input', new Uint8Array(0)],
    ['truncated JSON', Buffer.from('{"a":[1,2')],
    ['invalid UTF-8', Uint8Array.of(0x22, 0xff, 0xfe, 0x22)],
    ['trailing garbage', Buffer.from('{"a":1} x')],
  ])('rejects %s with CorruptPayloadError', (_name, bytes) => {
    expect(() => jsonLayout.decode(bytes)).toThrow(CorruptPayloadError);
  });
});

describe('msgpackLayout', () => {
  const packed = msgpackLayout.encode(orders(10));

  it('rejects truncation and trailing bytes with CorruptPayloadError', () => {
    for (const cut of [0, 1, packed.length - 1]) expect(() => msgpackLayout.decode(packed.subarray(0, cut)), `cut ${cut}`).toThrow(CorruptPayloadError);
    expect(() => msgpackLayout.decode(Buffer.concat([packed, Uint8Array.of(0)]))).toThrow(CorruptPayloadError);
  });

  it('refuses values msgpackr cannot pack', () => {
    expect(() => msgpackLayout.encode(10n ** 30n)).toThrow(UnencodableValueError);
  });
});

describe('layout registry', () => {
  it('maps every stored id and name to its layout', () => {
    expect(LAYOUT_IDS).toEqual({ json: 1, 'msgpack-rows': 2, 'columnar-orders': 3 });
    for (const [name, id] of Object.entries(LAYOUT_IDS)) {
      expect(layoutById(id).name).toBe(name);
      expect(layoutByName(name).id).toBe(id);
    }
  });

  it('turns unknown ids and names into UnknownCodecError', () => {
    for (const id of [0, 4, 255, -1]) expect(() => layoutById(id)).toThrow(UnknownCodecError);
    for (const name of ['protobuf', 'JSON', 'toString']) expect(() => layoutByName(name)).toThrow(UnknownCodecError);
    expect(() => codecByIds(1, 9)).toThrow('unknown compressor id 9');
    expect(() => codecByIds(9, 1)).toThrow('unknown layout id 9');
  });
});
