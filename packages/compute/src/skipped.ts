import type { SkippedRow } from '@prewarm/domain';

/**
 * Collects rows skipped for breaking the source rules: a total, counts per reason kind, and
 * the first few rows in full, so a report names order ids without holding millions of them.
 */
export class SkippedRows {
  total = 0;
  readonly examples: SkippedRow[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly keep = 20) {}

  /** Bound listener, ready to hand to a source read. */
  readonly add = (row: SkippedRow): void => {
    // A row can be met twice (current and previous period reads); count it once.
    const key = `${row.orderId}\u0000${row.line ?? ''}`;
    if (this.seen.has(key)) return;
    if (this.seen.size < 100_000) this.seen.add(key);
    this.total += 1;
    if (this.examples.length < this.keep) this.examples.push(row);
  };

  /** One line, e.g. `skipped 3 source rows that break the rules: o-1 (unknown status "x"), …`. */
  summary(): string {
    const shown = this.examples
      .slice(0, 5)
      .map((r) => `${r.line !== undefined ? `line ${r.line} ` : ''}${r.orderId || '(no id)'} (${r.reason})`)
      .join(', ');
    const more = this.total > 5 ? `, and ${this.total - 5} more` : '';
    return `skipped ${this.total} source row${this.total === 1 ? '' : 's'} that break the source rules: ${shown}${more}`;
  }
}
