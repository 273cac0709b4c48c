import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDER_COLUMNS, type SkippedRow } from '@prewarm/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { type SkippedStore, readOrdersCsv, readStoresCsv } from './csv.js';
import { importCsv } from './csv-import.js';
import { CsvFormatError, ImportRejectedError } from './errors.js';
import { SqliteOrderSource } from './sqlite-source.js';
import { SqliteSourceWriter } from './sqlite-writer.js';
import type { OrderRow } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'prewarm-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function csvFile(text: string): string {
  const path = join(dir, `file-${++files}.csv`);
  writeFileSync(path, text);
  return path;
}

const HEADER = ORDER_COLUMNS.join(',');
const line = (id: string, store = 'S1', extra: Partial<Record<string, string>> = {}): string => {
  const values: Record<string, string> = {
    order_id: id,
    store_id: store,
    channel: 'meituan',
    status: 'completed',
    ordered_at: '2026-11-01T12:00:00+08:00',
    items: '2',
    gross_cents: '5000',
    discount_cents: '0',
    packaging_cents: '100',
    delivery_cents: '300',
    commission_cents: '900',
    cost_cents: '2000',
    updated_at: '2026-11-01T12:10:00+08:00',
    ...extra,
  };
  return ORDER_COLUMNS.map((c) => values[c]).join(',');
};

async function readAll(path: string, known = ['S1']): Promise<{ rows: OrderRow[]; skipped: SkippedRow[]; batches: number[] }> {
  const rows: OrderRow[] = [];
  const skipped: SkippedRow[] = [];
  const batches: number[] = [];
  for await (const batch of readOrdersCsv(path, { knownStores: new Set(known), onSkip: (r) => skipped.push(r), batchSize: 2 })) {
    batches.push(batch.length);
    rows.push(...batch);
  }
  return { rows, skipped, batches };
}

describe('readOrdersCsv', () => {
  it('yields valid rows as typed OrderRows, keeping the times as written', async () => {
    const { rows } = await readAll(csvFile(`${HEADER}\n${line('a')}\n`));
    expect(rows).toEqual([
      {
        order_id: 'a',
        store_id: 'S1',
        channel: 'meituan',
        status: 'completed',
        ordered_at: '2026-11-01T12:00:00+08:00',
        items: 2,
        gross_cents: 5000,
        discount_cents: 0,
        packaging_cents: 100,
        delivery_cents: 300,
        commission_cents: 900,
        cost_cents: 2000,
        updated_at: '2026-11-01T12:10:00+08:00',
      },
    ]);
  });

  it('reports bad rows with their 1-based line in the file and never yields them', async () => {
    const text = [
      HEADER, // 1
      line('ok1'), // 2
      line('bad-status', 'S1', { status: 'lost' }), // 3
      '', // 4: blank lines are skipped
      line('bad-amount', 'S1', { gross_cents: '-1' }), // 5
      line('multi', 'S1', { channel: '"mei\ntuan"' }), // 6–7: a quoted field spanning two lines (valid)
      line('bad-store', 'S9'), // 8
      line('bad-time', 'S1', { ordered_at: 'yesterday' }), // 9
      'short,row', // 10
      line('bad-int', 'S1', { items: '2.5' }), // 11
      line('ok2'), // 12
    ].join('\r\n');
    const { rows, skipped, batches } = await readAll(csvFile(`\uFEFF${text}`));
    expect(rows.map((r) => r.order_id)).toEqual(['ok1', 'multi', 'ok2']);
    expect(rows[1]!.channel).toBe('mei\ntuan');
    expect(batches).toEqual([2, 1]);
    expect(skipped.map((s) => [s.line, s.orderId])).toEqual([
      [3, 'bad-status'],
      [5, 'bad-amount'],
      [8, 'bad-store'],
      [9, 'bad-time'],
      [10, 'short'],
      [11, 'bad-int'],
    ]);
    expect(skipped.map((s) => s.reason)).toEqual([
      'unknown status "lost"',
      'gross_cents is negative: -1',
      expect.stringMatching(/^unknown store(_id)? "S9"$/),
      'unparsable ordered_at "yesterday"',
      'expected 13 fields, got 2',
      'items is not an integer: "2.5"',
    ]);
  });

  it('accepts columns in any order, extra columns, and spaces around fields', async () => {
    const columns = [...ORDER_COLUMNS].reverse();
    const values = line('x').split(',').reverse();
    const { rows, skipped } = await readAll(csvFile(`note,${columns.join(', ')}\nhello,${values.join(' , ')}\n`));
    expect(skipped).toEqual([]);
    expect(rows.map((r) => [r.order_id, r.gross_cents])).toEqual([['x', 5000]]);
  });

  it('a missing column is one clear error naming it', async () => {
    const header = ORDER_COLUMNS.filter((c) => c !== 'updated_at' && c !== 'cost_cents').join(',');
    const path = csvFile(`${header}\n`);
    const error = await readAll(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).line).toBe(1);
    expect((error as Error).message).toBe(
      `CSV ${path} line 1: missing columns cost_cents, updated_at (the header must name ${ORDER_COLUMNS.join(', ')})`,
    );
  });

  it('an empty, unreadable or malformed file is a CsvFormatError', async () => {
    await expect(readAll(csvFile(''))).rejects.toThrow(/is empty: expected a header row/);
    await expect(readAll(join(dir, 'nope.csv'))).rejects.toThrow(/cannot read CSV .*nope\.csv: ENOENT/);
    await expect(readAll(csvFile(`${HEADER}\n${line('a')}\n"unterminated,${line('b')}\n`))).rejects.toThrow(CsvFormatError);
    await expect(readAll(csvFile(`${HEADER},order_id\n`))).rejects.toThrow(/column order_id appears twice/);
  });
});

describe('readStoresCsv', () => {
  it('reads stores with defaults, reports bad ones by line, and keeps the last of duplicate ids', async () => {
    const path = csvFile(
      ['store_id,name,city,timezone', 'S1,徐汇店,上海,', 'S2,"Los Angeles, CA",,America/Los_Angeles', 'bad id,x,,', 'S3,y,,Mars/Base', 'S1,徐汇新店,上海,Asia/Shanghai'].join('\n'),
    );
    const skipped: SkippedStore[] = [];
    const stores = await readStoresCsv(path, { onSkip: (s) => skipped.push(s) });
    expect(stores).toEqual([
      { store_id: 'S1', name: '徐汇新店', city: '上海', timezone: 'Asia/Shanghai' },
      { store_id: 'S2', name: 'Los Angeles, CA', city: null, timezone: 'America/Los_Angeles' },
    ]);
    expect(skipped.map((s) => [s.line, s.storeId])).toEqual([
      [4, 'bad id'],
      [5, 'S3'],
    ]);
    expect(skipped[1]!.reason).toMatch(/^timezone: /);
  });

  it('needs store_id and name; city and timezone are optional columns', async () => {
    expect(await readStoresCsv(csvFile('name,store_id\nA,S1\n'))).toEqual([{ store_id: 'S1', name: 'A', city: null, timezone: 'Asia/Shanghai' }]);
    await expect(readStoresCsv(csvFile('store_id,city\nS1,x\n'))).rejects.toThrow(/missing column name/);
  });
});

describe('importCsv', () => {
  const storesCsv = (): string => csvFile('store_id,name,city,timezone\nS1,徐汇店,上海,Asia/Shanghai\nS2,静安店,上海,\n');
  const ordersCsv = (bad: boolean): string =>
    csvFile([HEADER, line('a'), line('b', 'S2'), ...(bad ? [line('c', 'S1', { status: '??' }), line('d', 'S7')] : []), line('e')].join('\n'));

  async function imported(path: string): Promise<string[]> {
    const source = SqliteOrderSource.open(path);
    const ids: string[] = [];
    for await (const batch of source.streamOrders({ stores: 'all' })) ids.push(...batch.map((o) => o.orderId));
    await source.close();
    return ids.sort();
  }

  it('writes stores, then the valid orders, reporting each bad row with its line', async () => {
    const db = join(dir, `import-${++files}.db`);
    const writer = SqliteSourceWriter.open(db);
    const skipped: SkippedRow[] = [];
    const progress: number[] = [];
    const result = await importCsv(writer, {
      orders: ordersCsv(true),
      stores: storesCsv(),
      onSkip: (r) => skipped.push(r),
      onProgress: (n) => progress.push(n),
      batchSize: 2,
    });
    await writer.close();
    expect(result).toEqual({ stores: 2, orders: 3, skippedStores: 0, skippedOrders: 2, touchedStores: ['S1', 'S2'] });
    expect(skipped.map((s) => [s.line, s.orderId])).toEqual([
      [4, 'c'],
      [5, 'd'],
    ]);
    expect(progress).toEqual([2, 3]);
    expect(await imported(db)).toEqual(['a', 'b', 'e']);
  });

  it('knows the stores already in the destination', async () => {
    const db = join(dir, `import-${++files}.db`);
    const writer = SqliteSourceWriter.open(db);
    await importCsv(writer, { orders: csvFile(`${HEADER}\n`), stores: storesCsv() });
    const result = await importCsv(writer, { orders: ordersCsv(false), existingStores: ['S1', 'S2'] });
    await writer.close();
    expect(result).toEqual({ stores: 0, orders: 3, skippedStores: 0, skippedOrders: 0, touchedStores: ['S1', 'S2'] });
  });

  it('--strict writes nothing when any row is bad, after reporting every bad row', async () => {
    const db = join(dir, `import-${++files}.db`);
    const writer = SqliteSourceWriter.open(db);
    const skipped: SkippedRow[] = [];
    const error = await importCsv(writer, { orders: ordersCsv(true), stores: storesCsv(), strict: true, onSkip: (r) => skipped.push(r) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as Error).message).toBe('import rejected (--strict): 2 bad order rows; nothing was written');
    expect(skipped.map((s) => s.line)).toEqual([4, 5]);
    const source = SqliteOrderSource.open(db);
    expect(await source.listStores()).toEqual([]); // not even the (valid) stores
    await source.close();
    expect(await imported(db)).toEqual([]);

    const strictOk = await importCsv(writer, { orders: ordersCsv(false), stores: storesCsv(), strict: true });
    expect(strictOk).toEqual({ stores: 2, orders: 3, skippedStores: 0, skippedOrders: 0, touchedStores: ['S1', 'S2'] });
    await writer.close();
    expect(await imported(db)).toEqual(['a', 'b', 'e']);
  });

  it('--strict also rejects bad store rows', async () => {
    const writer = SqliteSourceWriter.open(join(dir, `import-${++files}.db`));
    const stores = csvFile('store_id,name\nS1,a\nS2,\n');
    await expect(importCsv(writer, { orders: csvFile(`${HEADER}\n${line('a')}\n`), stores, strict: true })).rejects.toThrow(
      'import rejected (--strict): 1 bad store row; nothing was written',
    );
    await writer.close();
  });
});
