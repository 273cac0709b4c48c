/**
 * Properties of CSV import (outside input): any file of orders either fails as a whole with a
 * CsvFormatError, or every data line is either yielded as a valid row or reported as skipped
 * with its line — never lost, never a crash — and a valid row keeps its values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readOrdersCsv } from './csv.js';
import { CsvFormatError } from './errors.js';
import { ORDER_COLUMNS } from '@prewarm/domain';
import type { OrderRow } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'prewarm-csv-prop-'));
const cell = fc.oneof(
  fc.constantFrom('S1', 'S2', 'completed', 'refunded', 'lost', 'pickup', '2026-11-01T10:00:00+08:00', 'not a time', '0', '-5', '12', '3.5', ''),
  fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)),
);
const quote = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('readOrdersCsv (property)', () => {
  it('yields or reports every data line, or refuses the file as a whole', async () => {
    let n = 0;
    let read = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: ORDER_COLUMNS.length, maxLength: ORDER_COLUMNS.length }), { maxLength: 30 }), async (lines) => {
        const file = join(dir, `orders-${n++}.csv`);
        writeFileSync(file, [ORDER_COLUMNS.join(','), ...lines.map((l) => l.map(quote).join(','))].join('\n') + '\n');
        const rows: OrderRow[] = [];
        const skipped: number[] = [];
        try {
          for await (const batch of readOrdersCsv(file, { knownStores: new Set(['S1', 'S2']), onSkip: (r) => skipped.push(r.line!) })) rows.push(...batch);
        } catch (err) {
          expect(err).toBeInstanceOf(CsvFormatError);
          return;
        }
        read++;
        expect(rows.length + skipped.length).toBe(lines.length);
        expect(new Set(skipped).size).toBe(skipped.length);
        for (const row of rows) expect(['S1', 'S2']).toContain(row.store_id);
      }),
      { numRuns: 300 },
    );
    expect(read).toBeGreaterThan(100); // most files are read line by line, not refused whole
  });
});
