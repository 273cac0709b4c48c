import { type BusinessDate, type DateRange, formatDayNumber, parseBusinessDate } from './dates.js';
import type { Order } from './order.js';
import { roundedRatio } from './rounding.js';
import type { Store } from './store.js';
import { localDayHour } from './timezone.js';

export interface ChannelTotals {
  orders: number;
  revenue_cents: number;
}

/** Sums for one store-day or any set of store-days (contract §5; completed orders unless said). */
export interface Totals {
  orders: number;
  refunded: number;
  cancelled: number;
  items: number;
  gross_cents: number;
  discount_cents: number;
  packaging_cents: number;
  delivery_cents: number;
  commission_cents: number;
  cost_cents: number;
  revenue_cents: number;
  profit_cents: number;
  loss_orders: number;
  by_channel: Record<string, ChannelTotals>;
  by_hour: number[];
}

export interface Ratios {
  avg_order_value_cents: number | null;
  margin: number | null;
  discount_rate: number | null;
  delivery_share: number | null;
  loss_order_rate: number | null;
  refund_rate: number | null;
}

export type TotalsWithRatios = Totals & Ratios;

/** Daily metrics of one store and one business date. */
export interface DailyMetrics extends TotalsWithRatios {
  store_id: string;
  date: BusinessDate;
}

export function emptyTotals(): Totals {
  return {
    orders: 0,
    refunded: 0,
    cancelled: 0,
    items: 0,
    gross_cents: 0,
    discount_cents: 0,
    packaging_cents: 0,
    delivery_cents: 0,
    commission_cents: 0,
    cost_cents: 0,
    revenue_cents: 0,
    profit_cents: 0,
    loss_orders: 0,
    by_channel: {},
    by_hour: new Array<number>(24).fill(0),
  };
}

/** Revenue of one order: gross − discount + packaging − commission − delivery. */
export function orderRevenueCents(o: Order): number {
  return o.grossCents - o.discountCents + o.packagingCents - o.commissionCents - o.deliveryCents;
}

/** Adds one order, whose local hour is `hour`, to `t`. */
export function addOrder(t: Totals, o: Order, hour: number): void {
  if (o.status === 'refunded') {
    t.refunded += 1;
    return;
  }
  if (o.status === 'cancelled') {
    t.cancelled += 1;
    return;
  }
  const revenue = orderRevenueCents(o);
  const profit = revenue - o.costCents;
  t.orders += 1;
  t.items += o.items;
  t.gross_cents += o.grossCents;
  t.discount_cents += o.discountCents;
  t.packaging_cents += o.packagingCents;
  t.delivery_cents += o.deliveryCents;
  t.commission_cents += o.commissionCents;
  t.cost_cents += o.costCents;
  t.revenue_cents += revenue;
  t.profit_cents += profit;
  if (profit < 0) t.loss_orders += 1;
  const channel = (t.by_channel[o.channel] ??= { orders: 0, revenue_cents: 0 });
  channel.orders += 1;
  channel.revenue_cents += revenue;
  t.by_hour[hour] = (t.by_hour[hour] ?? 0) + 1;
}

/** Adds `b` into `a`. */
export function mergeTotals(a: Totals, b: Totals): Totals {
  a.orders += b.orders;
  a.refunded += b.refunded;
  a.cancelled += b.cancelled;
  a.items += b.items;
  a.gross_cents += b.gross_cents;
  a.discount_cents += b.discount_cents;
  a.packaging_cents += b.packaging_cents;
  a.delivery_cents += b.delivery_cents;
  a.commission_cents += b.commission_cents;
  a.cost_cents += b.cost_cents;
  a.revenue_cents += b.revenue_cents;
  a.profit_cents += b.profit_cents;
  a.loss_orders += b.loss_orders;
  for (const [name, c] of Object.entries(b.by_channel)) {
    const into = (a.by_channel[name] ??= { orders: 0, revenue_cents: 0 });
    into.orders += c.orders;
    into.revenue_cents += c.revenue_cents;
  }
  for (let h = 0; h < 24; h++) a.by_hour[h] = (a.by_hour[h] ?? 0) + (b.by_hour[h] ?? 0);
  return a;
}

export function sumTotals(list: Iterable<Totals>): Totals {
  const sum = emptyTotals();
  for (const t of list) mergeTotals(sum, t);
  return sum;
}

/** The §5 ratios of a set of totals, rounded to 4 decimals (the average to whole cents). */
export function ratiosOf(t: Totals): Ratios {
  return {
    avg_order_value_cents: roundedRatio(t.revenue_cents, t.orders, 0),
    margin: roundedRatio(t.profit_cents, t.revenue_cents),
    discount_rate: roundedRatio(t.discount_cents, t.gross_cents),
    delivery_share: roundedRatio(t.delivery_cents, t.gross_cents),
    loss_order_rate: roundedRatio(t.loss_orders, t.orders),
    refund_rate: roundedRatio(t.refunded, t.orders + t.refunded),
  };
}

/** Totals with their ratios, channels sorted by name so the JSON is stable. */
export function withRatios(t: Totals): TotalsWithRatios {
  const by_channel: Record<string, ChannelTotals> = {};
  for (const name of Object.keys(t.by_channel).sort()) by_channel[name] = { ...t.by_channel[name]! };
  return { ...t, by_channel, by_hour: [...t.by_hour], ...ratiosOf(t) };
}

/**
 * Streams orders of many stores into per-store, per-business-date totals over a date range.
 * Orders outside the range (by business date in the store's zone) are ignored.
 */
export class DailyMetricsBuilder {
  private readonly first: number;
  private readonly last: number;
  private readonly days = new Map<string, Map<number, Totals>>();

  constructor(
    private readonly stores: ReadonlyMap<string, Store>,
    readonly range: DateRange,
  ) {
    const first = parseBusinessDate(range.from);
    const last = parseBusinessDate(range.to);
    if (first === null || last === null || first > last) throw new RangeError(`invalid date range ${range.from}..${range.to}`);
    this.first = first;
    this.last = last;
  }

  /** Adds an order; returns false when its store is unknown or its date is out of range. */
  add(o: Order): boolean {
    const store = this.stores.get(o.storeId);
    if (!store) return false;
    const { day, hour } = localDayHour(store.timezone, o.orderedAt);
    if (day < this.first || day > this.last) return false;
    let perDay = this.days.get(o.storeId);
    if (!perDay) this.days.set(o.storeId, (perDay = new Map()));
    let t = perDay.get(day);
    if (!t) perDay.set(day, (t = emptyTotals()));
    addOrder(t, o, hour);
    return true;
  }

  /** One element per date of the range for `storeId`, empty days included. */
  daily(storeId: string): DailyMetrics[] {
    const perDay = this.days.get(storeId);
    const out: DailyMetrics[] = [];
    for (let d = this.first; d <= this.last; d++) {
      out.push({ store_id: storeId, date: formatDayNumber(d), ...withRatios(perDay?.get(d) ?? emptyTotals()) });
    }
    return out;
  }
}

/** Daily metrics of one store over a range from its orders (any order; others ignored). */
export function computeDailyMetrics(store: Store, orders: Iterable<Order>, range: DateRange): DailyMetrics[] {
  const builder = new DailyMetricsBuilder(new Map([[store.store_id, store]]), range);
  for (const o of orders) builder.add(o);
  return builder.daily(store.store_id);
}

