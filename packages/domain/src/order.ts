import { parseTimestamp } from './timestamp.js';

export const ORDER_STATUSES = ['completed', 'refunded', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The order columns of the source contract (contract §4), in table order. */
export const ORDER_COLUMNS = [
  'order_id',
  'store_id',
  'channel',
  'status',
  'ordered_at',
  'items',
  'gross_cents',
  'discount_cents',
  'packaging_cents',
  'delivery_cents',
  'commission_cents',
  'cost_cents',
  'updated_at',
] as const;
export type OrderColumn = (typeof ORDER_COLUMNS)[number];

export const AMOUNT_COLUMNS = [
  'items',
  'gross_cents',
  'discount_cents',
  'packaging_cents',
  'delivery_cents',
  'commission_cents',
  'cost_cents',
] as const;

/** A validated order. Times are epoch milliseconds; amounts are integer cents. */
export interface Order {
  orderId: string;
  storeId: string;
  channel: string;
  status: OrderStatus;
  orderedAt: number;
  items: number;
  grossCents: number;
  discountCents: number;
  packagingCents: number;
  deliveryCents: number;
  commissionCents: number;
  costCents: number;
  updatedAt: number;
}

/**
 * One source row, as a database driver or a CSV parser hands it over: times as ISO text
 * (SQLite, CSV) or epoch milliseconds (PostgreSQL), numbers as numbers or numeric text.
 */
export type OrderRecord = Record<OrderColumn, unknown>;

export type OrderValidation = { ok: true; order: Order } | { ok: false; orderId: string; reason: string };

const STATUS_SET: ReadonlySet<string> = new Set(ORDER_STATUSES);
const INTEGER_TEXT = /^-?\d+$/;

function toInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

function toTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return parseTimestamp(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  return null;
}

function nonEmptyText(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Checks one row against the source rules (contract §4). A row that breaks them is reported
 * with its order id and a reason, and must be skipped by the caller: never aggregated.
 * `knownStores`, when given, also rejects orders of unknown stores.
 */
export function validateOrder(record: OrderRecord, knownStores?: ReadonlySet<string>): OrderValidation {
  const orderId = nonEmptyText(record.order_id);
  const fail = (reason: string): OrderValidation => ({ ok: false, orderId: orderId ?? String(record.order_id ?? ''), reason });
  if (orderId === null) return fail('order_id is empty');
  const storeId = nonEmptyText(record.store_id);
  if (storeId === null) return fail('store_id is empty');
  if (knownStores && !knownStores.has(storeId)) return fail(`unknown store_id ${JSON.stringify(storeId)}`);
  const channel = nonEmptyText(record.channel);
  if (channel === null) return fail('channel is empty');
  const status = record.status;
  if (typeof status !== 'string' || !STATUS_SET.has(status)) return fail(`unknown status ${JSON.stringify(status)}`);
  const orderedAt = toTime(record.ordered_at);
  if (orderedAt === null) return fail(`unparsable ordered_at ${JSON.stringify(record.ordered_at)}`);
  const updatedAt = toTime(record.updated_at);
  if (updatedAt === null) return fail(`unparsable updated_at ${JSON.stringify(record.updated_at)}`);
  const amounts: number[] = [];
  for (const column of AMOUNT_COLUMNS) {
    const n = toInteger(record[column]);
    if (n === null) return fail(`${column} is not an integer: ${JSON.stringify(record[column])}`);
    if (n < 0) return fail(`${column} is negative: ${n}`);
    amounts.push(n);
  }
  const [items, grossCents, discountCents, packagingCents, deliveryCents, commissionCents, costCents] = amounts as [
    number, number, number, number, number, number, number,
  ];
  return {
    ok: true,
    order: {
      orderId,
      storeId,
      channel,
      status: status as OrderStatus,
      orderedAt,
      items,
      grossCents,
      discountCents,
      packagingCents,
      deliveryCents,
      commissionCents,
      costCents,
      updatedAt,
    },
  };
}

/** A row that was skipped, with the reason. */
export interface SkippedRow {
  orderId: string;
  reason: string;
  /** 1-based line in an imported file, when the row came from one. */
  line?: number;
}
