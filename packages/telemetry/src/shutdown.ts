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
 * `Worker.close()` does the same), then throws one `CloseError` naming every failed step.
 */
export async function closeAll(component: string, steps: readonly CloseStep[]): Promise<void> {
  const failures: { step: string; error: unknown }[] = [];
  for (const [step, close] of steps) {
    try {
      await close();
    } catch (error) {
      failures.push({ step, error });
    }
  }
  if (failures.length > 0) throw new CloseError(component, failures);
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
