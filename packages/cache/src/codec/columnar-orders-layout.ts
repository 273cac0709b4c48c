import { ORDER_STATUSES, type Order, type OrderStatus } from '@prewarm/domain';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { readDictionary, writeDictionary } from './dictionary-column.js';
import { CodecError, CorruptPayloadError, UnencodableValueError } from './errors.js';
import { LAYOUT_IDS, type Layout } from './layout.js';
import { readCounts, readTimes, writeCounts, writeTimes } from './number-columns.js';
import { readOrderIds, writeOrderIds } from './order-id-column.js';

const NAME = 'columnar-orders';
const FORMAT_VERSION = 1;
const STATUSES: ReadonlySet<string> = new Set(ORDER_STATUSES);
/** The integer columns after the times, in stored order. */
const COUNT_FIELDS = [
  'items',
  'grossCents',
  'discountCents',
  'packagingCents',
  'deliveryCents',
  'commissionCents',
  'costCents',
] as const satisfies readonly (keyof Order)[];
/** Every row costs at least one byte in each time and count column. */
const MIN_BYTES_PER_ROW = 2 + COUNT_FIELDS.length;

function checkNumber(value: number, field: string, row: number): number {
  if (typeof value !== 'number') throw new UnencodableValueError(NAME, `${field} of row ${row} is a ${typeof value}, not a number`);
  return value;
}

function encode(orders: readonly Order[]): Uint8Array {
  if (!Array.isArray(orders)) throw new UnencodableValueError(NAME, 'the value is not an array');
  const n = orders.length;
  const ids = new Array<string>(n);
  const stores = new Array<string>(n);
  const channels = new Array<string>(n);
  const statuses = new Array<string>(n);
  const orderedAt = new Float64Array(n);
  const updatedAt = new Float64Array(n);
  const counts = COUNT_FIELDS.map(() => new Float64Array(n));
  const [items, gross, discount, packaging, delivery, commission, cost] = counts as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  // One monomorphic property read a field (a loop over field names would be a slow keyed load).
  for (let i = 0; i < n; i++) {
    const o = orders[i];
    if (typeof o !== 'object' || o === null) throw new UnencodableValueError(NAME, `row ${i} is not an object`);
    if (typeof o.orderId !== 'string') throw new UnencodableValueError(NAME, `orderId of row ${i} is not a string`);
    ids[i] = o.orderId;
    stores[i] = o.storeId;
    channels[i] = o.channel;
    statuses[i] = o.status;
    orderedAt[i] = checkNumber(o.orderedAt, 'orderedAt', i);
    updatedAt[i] = checkNumber(o.updatedAt, 'updatedAt', i);
    items[i] = checkNumber(o.items, 'items', i);
    gross[i] = checkNumber(o.grossCents, 'grossCents', i);
    discount[i] = checkNumber(o.discountCents, 'discountCents', i);
    packaging[i] = checkNumber(o.packagingCents, 'packagingCents', i);
    delivery[i] = checkNumber(o.deliveryCents, 'deliveryCents', i);
    commission[i] = checkNumber(o.commissionCents, 'commissionCents', i);
    cost[i] = checkNumber(o.costCents, 'costCents', i);
  }
  // About 20 bytes a row for realistic orders; the writer grows when more is needed.
  const writer = new ByteWriter(64 + n * 24);
  writer.u8(FORMAT_VERSION);
  writer.uvarint(n);
  writeOrderIds(writer, ids);
  writeDictionary(writer, NAME, 'storeId', stores);
  writeDictionary(writer, NAME, 'channel', channels);
  writeDictionary(writer, NAME, 'status', statuses, STATUSES);
  writeTimes(writer, orderedAt, null);
  writeTimes(writer, updatedAt, orderedAt);
  for (const column of counts) writeCounts(writer, column);
  return writer.finish();
}

function decode(bytes: Uint8Array): Order[] {
  const reader = new ByteReader(bytes, NAME);
  const version = reader.u8();
  if (version !== FORMAT_VERSION) throw reader.corrupt(`unknown format version ${version}`);
  const n = reader.count(MIN_BYTES_PER_ROW);
  const ids = readOrderIds(reader, n);
  const stores = readDictionary(reader, 'storeId', n);
  const channels = readDictionary(reader, 'channel', n);
  const statuses = readDictionary(reader, 'status', n, STATUSES);
  const orderedAt = readTimes(reader, n, null);
  const updatedAt = readTimes(reader, n, orderedAt);
  type Counts = ReturnType<typeof readCounts>;
  const [items, gross, discount, packaging, delivery, commission, cost] = COUNT_FIELDS.map(() => readCounts(reader, n)) as [
    Counts, Counts, Counts, Counts, Counts, Counts, Counts,
  ];
  reader.expectEnd();
  const { dictionary: storeIds, indexes: storeAt } = stores;
  const { dictionary: channelNames, indexes: channelAt } = channels;
  const { dictionary: statusNames, indexes: statusAt } = statuses;
  const orders = new Array<Order>(n);
  for (let i = 0; i < n; i++) {
    orders[i] = {
      orderId: ids[i]!,
      storeId: storeIds[storeAt[i]!]!,
      channel: channelNames[channelAt[i]!]!,
      status: statusNames[statusAt[i]!] as OrderStatus,
      orderedAt: orderedAt[i]!,
      items: items[i]!,
      grossCents: gross[i]!,
      discountCents: discount[i]!,
      packagingCents: packaging[i]!,
      deliveryCents: delivery[i]!,
      commissionCents: commission[i]!,
      costCents: cost[i]!,
      updatedAt: updatedAt[i]!,
    };
  }
  return orders;
}

/**
 * An L1 chunk (`Order[]`, typically one store × one business month) column by column: order
 * ids as prefix + number deltas, store/channel/status as dictionaries, `orderedAt` as deltas
 * from the previous row and `updatedAt` from `orderedAt` (in whole seconds when they are),
 * amounts as varints. Row order is kept. Any valid `Order[]` round-trips exactly (arbitrary
 * strings, amounts up to 2^53 − 1, times before 1970, fractional times via a float64 fallback).
 * `decode` checks bounds, counts, dictionary indexes, statuses and trailing bytes.
 */
export const columnarOrdersLayout: Layout<Order[]> = Object.freeze({
  id: LAYOUT_IDS[NAME],
  name: NAME,
  encode: (orders: Order[]) => encode(orders),
  decode(bytes: Uint8Array): Order[] {
    try {
      return decode(bytes);
    } catch (error) {
      if (error instanceof CodecError) throw error;
      throw new CorruptPayloadError(NAME, error instanceof Error ? error.message : String(error), { cause: error });
    }
  },
});
