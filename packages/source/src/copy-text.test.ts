import { describe, expect, it } from 'vitest';
import { copyField, copyLines } from './copy-text.js';

describe('COPY text encoding', () => {
  it('escapes backslashes, tabs and line breaks', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('静安店')).toBe('静安店');
    expect(copyField(42)).toBe('42');
  });

  it('writes one line per order, the load sequence first', () => {
    const line = copyLines(
      [
        {
          order_id: 'o\t1',
          store_id: 'S1',
          channel: 'meituan',
          status: 'completed',
          ordered_at: '2026-11-01T12:00:00+08:00',
          items: 1,
          gross_cents: 2,
          discount_cents: 3,
          packaging_cents: 4,
          delivery_cents: 5,
          commission_cents: 6,
          cost_cents: 7,
          updated_at: '2026-11-01T12:05:00+08:00',
        },
      ],
      10,
    );
    expect(line).toBe('10\to\\t1\tS1\tmeituan\tcompleted\t2026-11-01T12:00:00+08:00\t1\t2\t3\t4\t5\t6\t7\t2026-11-01T12:05:00+08:00\n');
  });
});
