import { gunzipSync } from 'node:zlib';
import type { Order } from '@prewarm/domain';
import { describe, expect, it, vi } from 'vitest';
import { type Codec, codecByIds, decodePayload, decodePayloadAsync, encodePayload, encodePayloadAsync, OFFLOAD_MIN_BYTES } from './codec.js';
import type { Compressor } from './compressor.js';
import { DEFAULT_CODECS } from './defaults.js';
import { jsonLayout } from './json-layout.js';
import { gzipCompressor } from './zlib-compressors.js';

function orders(rows: number): Order[] {
  return Array.from({ length: rows }, (_, i) => ({
    orderId: `O${String(5000 + i * 3).padStart(9, '0')}`,
    storeId: 'S007',
    channel: i % 4 === 0 ? 'pickup' : 'meituan',
    status: 'completed',
    orderedAt: Date.UTC(2025, 5, 1) + i * 61_000,
    items: 1 + (i % 6),
    grossCents: 3000 + ((i * 7919) % 12_000),
    discountCents: (i * 37) % 700,
    packagingCents: (i * 11) % 200,
    deliveryCents: (i * 13) % 600,
    commissionCents: (i * 17) % 2500,
    costCents: 1500 + ((i * 29) % 5000),
    updatedAt: Date.UTC(2025, 5, 1) + i * 61_000 + 900_000,
  }));
}

const dailyMetrics = { store_id: 'S007', date: '2025-06-01', orders: 120, refunded: 2, margin: 0.1834, by_hour: new Array(24).fill(5), by_channel: { meituan: { orders: 90, revenue_cents: 812_345 } } };

describe('DEFAULT_CODECS', () => {
  it('stores L1 columnar with brotli-4, L2 as plain JSON and L3 as gzip-6 JSON', () => {
    expect(DEFAULT_CODECS.l1.layout.name).toBe('columnar-orders');
    expect(DEFAULT_CODECS.l1.compressor.label).toBe('brotli-4');
    expect([DEFAULT_CODECS.l2, DEFAULT_CODECS.l3].map((c) => `${c.layout.name}+${c.compressor.label}`)).toEqual(['json+identity', 'json+gzip-6']);
    expect(Object.isFrozen(DEFAULT_CODECS) && Object.isFrozen(DEFAULT_CODECS.l1)).toBe(true);
  });

  it('round-trips each level, and a reader with only the stored ids decodes it', () => {
    const l1 = orders(3000);
    const stored = encodePayload(DEFAULT_CODECS.l1, l1);
    expect(decodePayload(DEFAULT_CODECS.l1, stored)).toEqual(l1);
    expect(decodePayload(codecByIds(DEFAULT_CODECS.l1.layout.id, DEFAULT_CODECS.l1.compressor.id), stored)).toEqual(l1);
    for (const codec of [DEFAULT_CODECS.l2, DEFAULT_CODECS.l3]) {
      expect(decodePayload(codec, encodePayload(codec, dailyMetrics))).toEqual(dailyMetrics);
    }
  });

  it('keeps an L1 chunk under 8 % of its row JSON', () => {
    const l1 = orders(3000);
    const stored = encodePayload(DEFAULT_CODECS.l1, l1);
    expect(stored.length / Buffer.byteLength(JSON.stringify(l1))).toBeLessThan(0.08);
  });

  it('stores L3 bytes that are a gzip HTTP body of the JSON, and L2 bytes that are the JSON itself', () => {
    expect(gunzipSync(encodePayload(DEFAULT_CODECS.l3, dailyMetrics)).toString('utf8')).toBe(JSON.stringify(dailyMetrics));
    expect(encodePayload(DEFAULT_CODECS.l2, dailyMetrics).toString('utf8')).toBe(JSON.stringify(dailyMetrics));
  });
});

describe('async payload helpers', () => {
  function counting(inner: Compressor) {
    const calls = { compressAsync: 0, decompressAsync: 0 };
    const compressor: Compressor = {
      ...inner,
      compressAsync: vi.fn(async (data: Uint8Array) => {
        calls.compressAsync++;
        return inner.compressAsync(data);
      }),
      decompressAsync: vi.fn(async (data: Uint8Array) => {
        calls.decompressAsync++;
        return inner.decompressAsync(data);
      }),
    };
    return { compressor, calls };
  }

  it('offloads large payloads to the threadpool and keeps small ones on the calling thread', async () => {
    const { compressor, calls } = counting(gzipCompressor(6));
    const codec: Codec<unknown> = { layout: jsonLayout, compressor };
    const small = { a: 1 };
    const large = orders(1000); // ≈ 260 KB of JSON, ≈ 30 KB gzipped
    expect(jsonLayout.encode(large).length).toBeGreaterThan(OFFLOAD_MIN_BYTES);

    expect(await decodePayloadAsync(codec, await encodePayloadAsync(codec, small))).toEqual(small);
    expect(calls).toEqual({ compressAsync: 0, decompressAsync: 0 });

    expect(await decodePayloadAsync(codec, await encodePayloadAsync(codec, large))).toEqual(large);
    expect(calls).toEqual({ compressAsync: 1, decompressAsync: 1 });
  });
});
