import { describe, expect, it } from 'vitest';
import { AMOUNT_COLUMNS, ORDER_COLUMNS, type OrderRecord, type OrderValidation, validateOrder } from './order.js';

/** A valid source row, as SQLite would hand it over; override any column. */
function row(overrides: Partial<Record<keyof OrderRecord, unknown>> = {}): OrderRecord {
  return {
    order_id: 'O-1',
    store_id: 'S1',
    channel: 'meituan',
    status: 'completed',
    ordered_at: '2026-11-01T12:00:00+08:00',
    items: 2,
    gross_cents: 5000,
    discount_cents: 500,
    packaging_cents: 200,
    delivery_cents: 300,
    commission_cents: 400,
    cost_cents: 2000,
    updated_at: '2026-11-01T12:05:00+08:00',
    ...overrides,
  };
}

function rejection(result: OrderValidation): { orderId: string; reason: string } {
  if (result.ok) throw new Error('expected the row to be rejected');
  return { orderId: result.orderId, reason: result.reason };
}

describe('validateOrder: accepted rows', () => {
  it('converts a valid row', () => {
    expect(validateOrder(row())).toEqual({
      ok: true,
      order: {
        orderId: 'O-1',
        storeId: 'S1',
        channel: 'meituan',
        status: 'completed',
        orderedAt: Date.UTC(2026, 10, 1, 4, 0, 0),
        items: 2,
        grossCents: 5000,
        discountCents: 500,
        packagingCents: 200,
        deliveryCents: 300,
        commissionCents: 400,
        costCents: 2000,
        updatedAt: Date.UTC(2026, 10, 1, 4, 5, 0),
      },
    });
  });

  it.each(['completed', 'refunded', 'cancelled'])('accepts status %s', (status) => {
    expect(validateOrder(row({ status })).ok).toBe(true);
  });

  it('accepts numeric strings and bigints for amounts', () => {
    const result = validateOrder(row({ items: '3', gross_cents: '12345', discount_cents: 0n, cost_cents: '0' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order.items).toBe(3);
    expect(result.order.grossCents).toBe(12345);
    expect(result.order.discountCents).toBe(0);
    expect(result.order.costCents).toBe(0);
  });

  it('accepts epoch-millisecond numbers and Date objects for times', () => {
    const ms = Date.UTC(2026, 10, 1, 16, 30);
    const result = validateOrder(row({ ordered_at: ms, updated_at: new Date(ms + 1000) }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order.orderedAt).toBe(ms);
    expect(result.order.updatedAt).toBe(ms + 1000);
  });

  it('accepts Z and any offset for times', () => {
    const result = validateOrder(row({ ordered_at: '2026-11-01T16:30:00Z', updated_at: '2026-11-01T11:30:00-05:00' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order.orderedAt).toBe(Date.UTC(2026, 10, 1, 16, 30));
    expect(result.order.updatedAt).toBe(Date.UTC(2026, 10, 1, 16, 30));
  });

  it('accepts a known store when knownStores is given, any store otherwise', () => {
    expect(validateOrder(row({ store_id: 'S1' }), new Set(['S1', 'S2'])).ok).toBe(true);
    expect(validateOrder(row({ store_id: 'S9' })).ok).toBe(true);
  });

  it('covers every column of the source contract', () => {
    expect(Object.keys(row()).sort()).toEqual([...ORDER_COLUMNS].sort());
  });
});

describe('validateOrder: rejected rows name the column and keep the order id', () => {
  it.each(['pending', 'COMPLETED', '', null, undefined, 1])('rejects status %j', (status) => {
    const r = rejection(validateOrder(row({ status })));
    expect(r.orderId).toBe('O-1');
    expect(r.reason).toContain('status');
  });

  it.each(AMOUNT_COLUMNS.map((c) => [c]))('rejects a negative %s', (column) => {
    const r = rejection(validateOrder(row({ [column]: -1 })));
    expect(r.orderId).toBe('O-1');
    expect(r.reason).toContain(column);
    expect(r.reason).toContain('negative');
  });

  it('rejects a negative amount given as text', () => {
    expect(rejection(validateOrder(row({ discount_cents: '-50' }))).reason).toContain('discount_cents');
  });

  it.each([12.5, '12.5', '1e3', 'abc', '', ' 12', null, undefined, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'rejects a non-integer amount %j',
    (value) => {
      const r = rejection(validateOrder(row({ gross_cents: value })));
      expect(r.orderId).toBe('O-1');
      expect(r.reason).toContain('gross_cents');
    },
  );

  it.each(['2026-11-01T12:00:00', '2026-02-30T12:00:00+08:00', '2026-11-01T24:00:00Z', 'garbage', '', null, Number.NaN, new Date(Number.NaN)])(
    'rejects an unparsable ordered_at %j',
    (value) => {
      const r = rejection(validateOrder(row({ ordered_at: value })));
      expect(r.orderId).toBe('O-1');
      expect(r.reason).toContain('ordered_at');
    },
  );

  it('rejects an unparsable updated_at', () => {
    expect(rejection(validateOrder(row({ updated_at: 'later' }))).reason).toContain('updated_at');
  });

  it('rejects an unknown store when knownStores is given', () => {
    const r = rejection(validateOrder(row({ store_id: 'S9' }), new Set(['S1', 'S2'])));
    expect(r.orderId).toBe('O-1');
    expect(r.reason).toContain('store_id');
    expect(r.reason).toContain('S9');
  });

  it('rejects an empty order_id', () => {
    const r = rejection(validateOrder(row({ order_id: '' })));
    expect(r.orderId).toBe('');
    expect(r.reason).toContain('order_id');
  });

  it('rejects an empty store_id and an empty channel', () => {
    expect(rejection(validateOrder(row({ store_id: '' }))).reason).toContain('store_id');
    expect(rejection(validateOrder(row({ channel: '' }))).reason).toContain('channel');
  });
});
