import { DAY_MILLISECONDS, addDays, parseBusinessDate, zoneOffsetMs } from '@prewarm/domain';
import { Prng, cumulativeOf, pickWeighted } from './prng.js';
import { type StoreProfile, sampleStores } from './sample-stores.js';
import { type OrderRow, SourceError, type StoreRow } from './types.js';

export interface SampleOptions {
  /** Number of stores, 1–9999 (ids S001…). */
  stores: number;
  /** Number of business days, ending at `end`. */
  days: number;
  /** Exact number of orders. */
  orders: number;
  /** PRNG seed: the same seed and options (and end date) give identical data. */
  seed: number | string;
  /** Last business date, YYYY-MM-DD; default today (UTC), which makes runs on different days differ. */
  end?: string;
  /** Orders per yielded batch (does not change the data). */
  batchSize?: number;
}

export const SAMPLE_DEFAULTS = Object.freeze({ stores: 100, days: 90, orders: 1_000_000, seed: 1, batchSize: 5000 });

export interface SampleDataset {
  readonly stores: readonly StoreRow[];
  readonly orders: number;
  /** First and last business date covered. */
  readonly from: string;
  readonly to: string;
  /** The orders, generated lazily in batches; every call starts over and yields the same rows. */
  orderBatches(): Generator<OrderRow[], void, undefined>;
}

const CHANNELS = ['meituan', 'eleme', 'jddj', 'pickup'] as const;
const CHANNEL_CUMULATIVE = cumulativeOf([0.45, 0.3, 0.1, 0.15]);
/** Platform commission share of gross, [min, max), per channel (pickup: none). */
const COMMISSION: Record<(typeof CHANNELS)[number], readonly [number, number]> = {
  meituan: [0.18, 0.22],
  eleme: [0.16, 0.2],
  jddj: [0.15, 0.18],
  pickup: [0, 0],
};
/** Orders per local hour: quiet nights, a lunch peak at 12:00, a dinner peak at 18–19:00. */
const HOUR_WEIGHTS = [
  0.35, 0.2, 0.1, 0.06, 0.05, 0.1, 0.35, 1.1, 1.7, 1.5, 2.6, 6.4, 8.6, 5.2, 2.4, 1.8, 2.3, 4.6, 7.6, 7.0, 4.2, 2.7, 1.7, 0.9,
];
/** Monday … Sunday. */
const WEEKDAY_WEIGHTS = [0.92, 0.9, 0.95, 1.0, 1.15, 1.28, 1.2];
const HOUR_MS = 3_600_000;

/**
 * A deterministic sample dataset for `prewarm seed`: skewed store sizes, realistic channels,
 * amounts, statuses and hourly curves, times written with each store's own UTC offset.
 * Memory stays bounded: orders are generated one (day, hour) bucket at a time.
 */
export function generateSample(options: SampleOptions): SampleDataset {
  const { stores: storeCount, days, orders, seed } = options;
  const batchSize = options.batchSize ?? SAMPLE_DEFAULTS.batchSize;
  checkInteger('stores', storeCount, 1, 9999);
  checkInteger('days', days, 1, 36_600);
  checkInteger('orders', orders, 0, 1_000_000_000);
  checkInteger('batchSize', batchSize, 1, 1_000_000);
  if (typeof seed === 'number') checkInteger('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const end = options.end ?? new Date().toISOString().slice(0, 10);
  const lastDay = parseBusinessDate(end);
  if (lastDay === null) throw new SourceError(`sample end date must be YYYY-MM-DD, got ${JSON.stringify(end)}`);
  const profiles = sampleStores(storeCount, new Prng(`${seed}:stores`));
  return {
    stores: profiles.map((p) => p.row),
    orders,
    from: addDays(end, 1 - days),
    to: end,
    orderBatches: () => generateOrders(profiles, lastDay - days + 1, days, orders, String(seed), batchSize),
  };
}

function* generateOrders(
  profiles: readonly StoreProfile[],
  firstDay: number,
  days: number,
  total: number,
  seed: string,
  batchSize: number,
): Generator<OrderRow[], void, undefined> {
  const rng = new Prng(`${seed}:orders`);
  const counts = apportion(bucketWeights(firstDay, days, rng), total);
  const idWidth = Math.max(9, String(total).length);
  const zones = new ZoneClock();
  let sequence = 0;
  let batch: OrderRow[] = [];
  for (let d = 0; d < days; d++) {
    const progress = days === 1 ? 0.5 : d / (days - 1);
    const storeCumulative = cumulativeOf(profiles.map((p) => p.weight * Math.max(0.05, 1 + p.trend * (progress - 0.5))));
    for (let hour = 0; hour < 24; hour++) {
      const count = counts[d * 24 + hour]!;
      if (count === 0) continue;
      const seconds = new Int32Array(count);
      for (let i = 0; i < count; i++) seconds[i] = rng.int(0, 3599);
      seconds.sort(); // order ids follow local time within the hour
      const localHourMs = (firstDay + d) * DAY_MILLISECONDS + hour * HOUR_MS;
      for (let i = 0; i < count; i++) {
        const profile = profiles[pickWeighted(storeCumulative, rng.next())]!;
        const orderId = `O${String(++sequence).padStart(idWidth, '0')}`;
        batch.push(sampleOrder(orderId, profile, localHourMs + seconds[i]! * 1000, rng, zones));
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** One order of a store at a local wall-clock time. */
function sampleOrder(orderId: string, p: StoreProfile, localMs: number, rng: Prng, zones: ZoneClock): OrderRow {
  const channel = CHANNELS[pickWeighted(CHANNEL_CUMULATIVE, rng.next())]!;
  const roll = rng.next();
  const status = roll < p.cancelRate ? 'cancelled' : roll < p.cancelRate + p.refundRate ? 'refunded' : 'completed';
  // Order value: log-uniform 20–200 yuan, shifted by the store's price level, kept in 2000–20000.
  const gross = clamp(Math.round(Math.exp(rng.between(Math.log(2000), Math.log(20000))) * p.priceLevel), 2000, 20000);
  const items = clamp(Math.round(gross / 2800 + rng.between(0, 1.5)), 1, 12);
  const discount = rng.chance(p.noDiscount) ? 0 : Math.round(gross * rng.between(p.discountRange[0], p.discountRange[1]));
  const delivered = channel !== 'pickup';
  const packaging = rng.int(0, delivered ? 300 : 100);
  const delivery = delivered ? clamp(Math.round(p.deliveryCents * rng.between(0.5, 1.5)), 0, 800) : 0;
  const [cMin, cMax] = COMMISSION[channel];
  const commission = delivered ? Math.round(gross * rng.between(cMin, cMax)) : 0;
  const cost = Math.round(gross * clamp(p.costShare + rng.between(-0.08, 0.08), 0.35, 0.7));
  const orderedUtc = zones.utcOf(p.row.timezone, localMs);
  const laterMinutes = status === 'refunded' ? rng.int(60, 36 * 60) : status === 'cancelled' ? rng.int(1, 20) : rng.int(3, 45);
  const updatedUtc = orderedUtc + laterMinutes * 60_000 + rng.int(0, 59) * 1000;
  return {
    order_id: orderId,
    store_id: p.row.store_id,
    channel,
    status,
    ordered_at: zones.format(p.row.timezone, orderedUtc),
    items,
    gross_cents: gross,
    discount_cents: discount,
    packaging_cents: packaging,
    delivery_cents: delivery,
    commission_cents: commission,
    cost_cents: cost,
    updated_at: zones.format(p.row.timezone, updatedUtc),
  };
}

/** Weight of each (day, local hour): weekday rhythm × daily noise × hourly curve. */
function bucketWeights(firstDay: number, days: number, rng: Prng): number[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const weekday = (firstDay + d + 3) % 7; // day 0 (1970-01-01) was a Thursday; 0 = Monday
    const dayWeight = WEEKDAY_WEIGHTS[weekday]! * rng.between(0.9, 1.1);
    for (const h of HOUR_WEIGHTS) weights.push(dayWeight * h);
  }
  return weights;
}

/** Splits `total` in proportion to `weights` exactly (largest remainder, ties by position). */
function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    counts[i]! += 1;
  }
  return counts;
}

/** Local ↔ UTC conversions and ISO formatting with the zone's offset, cached for speed. */
class ZoneClock {
  private readonly dates = new Map<number, string>();
  private readonly offsets = new Map<number, string>();

  /** The instant a local wall-clock time denotes (in a DST gap: the hour after). */
  utcOf(zone: string, localMs: number): number {
    const guess = localMs - zoneOffsetMs(zone, localMs);
    return localMs - zoneOffsetMs(zone, guess);
  }

  /** `2026-11-01T23:59:30+08:00`: the zone's local time with its offset at that instant. */
  format(zone: string, utcMs: number): string {
    const offset = zoneOffsetMs(zone, utcMs);
    const local = utcMs + offset;
    const day = Math.floor(local / DAY_MILLISECONDS);
    const secondOfDay = Math.floor((local - day * DAY_MILLISECONDS) / 1000);
    return `${this.date(day)}T${pad2(Math.floor(secondOfDay / 3600))}:${pad2(Math.floor(secondOfDay / 60) % 60)}:${pad2(secondOfDay % 60)}${this.offset(offset)}`;
  }

  private date(day: number): string {
    let text = this.dates.get(day);
    if (text === undefined) this.dates.set(day, (text = new Date(day * DAY_MILLISECONDS).toISOString().slice(0, 10)));
    return text;
  }

  private offset(ms: number): string {
    let text = this.offsets.get(ms);
    if (text === undefined) {
      const minutes = Math.abs(ms) / 60_000;
      text = `${ms < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
      this.offsets.set(ms, text);
    }
    return text;
  }
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
function pad2(n: number): string {
  return PAD2[n]!;
}

function clamp(n: number, min: number, max: number): number {
  return n < min ? min : n > max ? max : n;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SourceError(`sample ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
