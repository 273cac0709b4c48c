/**
 * Progress for long CLI work: a redrawn bar on a terminal, nothing elsewhere (logs and CI
 * get the final summary line only).
 */
export class Progress {
  private current = 0;
  private lastDraw = 0;
  private finished = false;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  /** Passes batches through, counting their rows. */
  *track<T>(batches: Iterable<readonly T[]>): Generator<readonly T[]> {
    for (const batch of batches) {
      yield batch;
      this.advance(batch.length);
    }
  }

  advance(n: number): void {
    this.current += n;
    const now = Date.now();
    if (this.tty && now - this.lastDraw > 100) {
      this.lastDraw = now;
      this.draw();
    }
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty) process.stderr.write('\r\x1b[K');
  }

  private draw(): void {
    const share = this.total > 0 ? Math.min(1, this.current / this.total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    process.stderr.write(`\r${this.label} ${bar} ${(share * 100).toFixed(0).padStart(3)}%  ${this.current.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}`);
  }
}
