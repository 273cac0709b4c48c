/** One step of a shutdown: a name for the report, and the work. */
export type CloseStep = readonly [name: string, close: () => unknown];

/** Some steps of a shutdown failed; every other step still ran. */
export class CloseError extends AggregateError {
  static readonly code = 'E_CLOSE';
  readonly code = CloseError.code;
  constructor(
    readonly component: string,
    /** The failed steps, in order. */
    readonly failures: readonly { step: string; error: unknown }[],
  ) {
    super(
      failures.map((f) => f.error),
      `closing ${component}: ${failures.map((f) => `${f.step} failed (${f.error instanceof Error ? f.error.message : String(f.error)})`).join('; ')}`,
    );
    this.name = 'CloseError';
  }
}

/**
 * Runs every step of a shutdown in order, each one even when an earlier one throws (bullmq's
 * `Worker.close()` does the same), then throws one `CloseError` naming every failed step. With
 * `stepMs`, a step that takes longer is left behind as failed (`DeadlineError`) and the next
 * one starts: a close that waits on a connection which never ends cannot hold the shutdown.
 */
export async function closeAll(component: string, steps: readonly CloseStep[], options: { stepMs?: number } = {}): Promise<void> {
  const failures: { step: string; error: unknown }[] = [];
  for (const [step, close] of steps) {
    try {
      const work = Promise.resolve().then(close);
      await (options.stepMs === undefined ? work : within(work, options.stepMs, `${step} did not close within ${options.stepMs} ms`));
    } catch (error) {
      failures.push({ step, error });
    }
  }
  if (failures.length > 0) throw new CloseError(component, failures);
}

/** The work did not finish within its time; it goes on, nobody waits for it any more. */
export class DeadlineError extends Error {
  static readonly code = 'E_DEADLINE';
  readonly code = DeadlineError.code;
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** Resolves as `work` does, or rejects with a `DeadlineError` after `ms` (the work is not stopped). */
export async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a start-up has opened so far. When a later step fails, `abandon` closes it all again,
 * newest first, so a failed start leaves no connection or timer behind.
 */
export class StartupScope {
  private readonly steps: CloseStep[] = [];

  /** Opens one resource and remembers how to close it. */
  async open<T>(name: string, open: () => Promise<T>, close: (value: T) => unknown): Promise<T> {
    const value = await open();
    this.steps.push([name, () => close(value)]);
    return value;
  }

  /** Closes everything opened, newest first; the start-up's own error is the one to report. */
  async abandon(): Promise<void> {
    await closeAll('start-up', [...this.steps].reverse()).catch(() => {});
  }
}
