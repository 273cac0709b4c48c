import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { CsvError, type Info, parse } from 'csv-parse';
import { ORDER_COLUMNS, type OrderRecord, type SkippedRow, StoreSchema, validateOrder } from '@prewarm/domain';
import { CsvFormatError, messageOf } from './errors.js';
import { describeIssues } from './store-catalog.js';
import type { OrderRow, StoreRow } from './types.js';

/** A stores CSV row that was skipped, with the reason and its 1-based line in the file. */
export interface SkippedStore {
  storeId: string;
  reason: string;
  line: number;
}

export interface OrdersCsvOptions {
  /** Store ids an order may reference (the destination's stores plus the imported ones). */
  knownStores: ReadonlySet<string>;
  /** Receives every bad row, with `line` set; the row is never yielded. */
  onSkip?: (row: SkippedRow) => void;
  /** Valid rows per yielded batch (default 5000). */
  batchSize?: number;
}

export interface StoresCsvOptions {
  onSkip?: (row: SkippedStore) => void;
}

export const STORE_CSV_COLUMNS = ['store_id', 'name', 'city', 'timezone'] as const;
const REQUIRED_STORE_COLUMNS = ['store_id', 'name'] as const;

/**
 * Streams an orders CSV (header row with the §4 column names, any order, extra columns
 * ignored) as batches of valid rows. Each row is checked by the domain's validateOrder; bad
 * rows go to `onSkip` with their line. A file that cannot be parsed at all, or lacks a
 * column, throws a CsvFormatError.
 */
export async function* readOrdersCsv(file: string, options: OrdersCsvOptions): AsyncGenerator<OrderRow[], void, undefined> {
  const batchSize = options.batchSize ?? 5000;
  let batch: OrderRow[] = [];
  for await (const { problem, line, get } of csvRecords(file, ORDER_COLUMNS)) {
    const orderId = get('order_id') ?? '';
    if (problem !== undefined) {
      options.onSkip?.({ orderId, reason: problem, line });
      continue;
    }
    const record = Object.fromEntries(ORDER_COLUMNS.map((c) => [c, get(c)])) as OrderRecord;
    const result = validateOrder(record, options.knownStores);
    if (!result.ok) {
      options.onSkip?.({ orderId: result.orderId, reason: result.reason, line });
      continue;
    }
    const o = result.order;
    batch.push({
      order_id: o.orderId,
      store_id: o.storeId,
      channel: o.channel,
      status: o.status,
      ordered_at: record.ordered_at as string, // the text as written, offset included
      items: o.items,
      gross_cents: o.grossCents,
      discount_cents: o.discountCents,
      packaging_cents: o.packagingCents,
      delivery_cents: o.deliveryCents,
      commission_cents: o.commissionCents,
      cost_cents: o.costCents,
      updated_at: record.updated_at as string,
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Reads a stores CSV (columns store_id and name required, city and timezone optional; an
 * empty timezone means Asia/Shanghai). Bad rows go to `onSkip`; a later row with the same
 * store_id replaces an earlier one.
 */
export async function readStoresCsv(file: string, options: StoresCsvOptions = {}): Promise<StoreRow[]> {
  const stores = new Map<string, StoreRow>();
  for await (const { problem, line, get } of csvRecords(file, REQUIRED_STORE_COLUMNS)) {
    const storeId = get('store_id') ?? '';
    if (problem !== undefined) {
      options.onSkip?.({ storeId, reason: problem, line });
      continue;
    }
    const parsed = StoreSchema.safeParse({
      store_id: storeId,
      name: get('name'),
      city: get('city') || null,
      timezone: get('timezone') || undefined,
    });
    if (parsed.success) stores.set(parsed.data.store_id, parsed.data);
    else options.onSkip?.({ storeId, reason: describeIssues(parsed.error.issues), line });
  }
  return [...stores.values()];
}

interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  /** Set when the record has the wrong number of fields: why it must be skipped. */
  problem: string | undefined;
  /** The value of a column by header name (undefined when the column is absent). */
  get(column: string): string | undefined;
}

/** Records of a CSV file whose header must contain `required`; fields are trimmed. */
async function* csvRecords(file: string, required: readonly string[]): AsyncGenerator<CsvRecord, void, undefined> {
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true });
  pipeline(createReadStream(file), parser, () => undefined); // errors surface through the parser
  let index: Map<string, number> | undefined;
  let width = 0;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
      const line = startLine(entry.info.lines, entry.raw);
      if (index === undefined) {
        index = headerIndex(file, entry.record, required, line);
        width = entry.record.length;
        continue;
      }
      const record = entry.record;
      const columns = index;
      yield {
        line,
        problem: record.length === width ? undefined : `expected ${width} fields, got ${record.length}`,
        get: (column) => {
          const i = columns.get(column);
          return i === undefined ? undefined : record[i];
        },
      };
    }
  } catch (cause) {
    if (cause instanceof CsvFormatError) throw cause;
    const line = cause instanceof CsvError ? (cause as CsvError & { lines?: number }).lines : undefined;
    const where = line === undefined ? '' : ` at line ${line}`;
    throw new CsvFormatError(`cannot read CSV ${file}${where}: ${messageOf(cause)}`, file, line, { cause });
  }
  if (index === undefined) throw new CsvFormatError(`CSV ${file} is empty: expected a header row with ${required.join(', ')}`, file, 1);
}

function headerIndex(file: string, header: readonly string[], required: readonly string[], line: number): Map<string, number> {
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    if (index.has(name)) throw new CsvFormatError(`CSV ${file} line ${line}: column ${name} appears twice in the header`, file, line);
    index.set(name, i);
  });
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    const plural = missing.length > 1 ? 's' : '';
    throw new CsvFormatError(
      `CSV ${file} line ${line}: missing column${plural} ${missing.join(', ')} (the header must name ${required.join(', ')})`,
      file,
      line,
    );
  }
  return index;
}

/**
 * csv-parse counts the line where a record ends; a quoted field may span lines, and the raw
 * text also carries the blank lines skipped before it. The start line is the end line minus
 * the line breaks inside the record itself.
 */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(?:\r?\n|\r)+/, '').replace(/(?:\r?\n|\r)$/, '');
  let breaks = 0;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) breaks++;
  return endLine - breaks;
}
