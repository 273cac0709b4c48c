/** The first SIGTERM or SIGINT, listened for until `dispose`. */
export interface StopSignal {
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export function stopSignal(): StopSignal {
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const dispose = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
  const listeners = SIGNALS.map((signal) => {
    const listener = () => {
      dispose();
      resolve(signal);
    };
    return [signal, listener] as const;
  });
  for (const [signal, listener] of listeners) process.once(signal, listener);
  return { received, dispose };
}

/** How long a stop may take, and what happens when it takes longer. */
export interface StopDeadline {
  /** Time from the signal to the end of the stop; past it the process exits anyway. */
  withinMs: number;
  /** Called once when the deadline passes (default: one line on stderr, exit code 1). */
  overdue?: (line: string) => void;
}

const exitOverdue = (line: string): void => {
  process.stderr.write(`prewarm: ${line}\n`);
  process.exit(1);
};

/**
 * Starts a long-running service and stops it on SIGTERM/SIGINT. The signals are listened for
 * from before the start: one that arrives while the service is starting stops it as soon as it
 * is up, instead of killing the process mid-start. When the start fails, the listeners are
 * removed again, so a later signal has its default effect. A stop that hangs (a connection that
 * never closes, a job that never ends) does not keep the process: past `deadline.withinMs` it
 * exits with code 1, before an orchestrator's SIGKILL would.
 */
export async function runUntilSignal<T>(
  start: () => Promise<T>,
  stop: (service: T, signal: NodeJS.Signals) => Promise<void>,
  deadline: StopDeadline = { withinMs: 15_000 },
): Promise<void> {
  const signal = stopSignal();
  let service: T;
  try {
    service = await start();
  } catch (err) {
    signal.dispose();
    throw err;
  }
  const received = await signal.received;
  const overdue = deadline.overdue ?? exitOverdue;
  const timer = setTimeout(() => overdue(`not stopped ${deadline.withinMs} ms after ${received}; exiting`), deadline.withinMs);
  timer.unref();
  try {
    await stop(service, received);
  } finally {
    clearTimeout(timer);
  }
}
