import { ORDER_COLUMNS } from '@prewarm/domain';
import type { OrderRow } from './types.js';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in PostgreSQL's COPY text format (tab-separated, backslash escapes). */
export function copyField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

/** The load table's columns, in the order copyLines writes them. */
export const COPY_COLUMNS = ['load_seq', ...ORDER_COLUMNS] as const;

/** One COPY text line per order: a load sequence number (later rows win), then the §4 columns. */
export function copyLines(rows: readonly OrderRow[], firstSeq: number): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i]!;
    out +=
      `${firstSeq + i}\t${copyField(o.order_id)}\t${copyField(o.store_id)}\t${copyField(o.channel)}\t${copyField(o.status)}\t` +
      `${copyField(o.ordered_at)}\t${o.items}\t${o.gross_cents}\t${o.discount_cents}\t${o.packaging_cents}\t` +
      `${o.delivery_cents}\t${o.commission_cents}\t${o.cost_cents}\t${copyField(o.updated_at)}\n`;
  }
  return out;
}
