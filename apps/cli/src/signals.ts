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

/**
 * Starts a long-running service and stops it on SIGTERM/SIGINT. The signals are listened for
 * from before the start: one that arrives while the service is starting stops it as soon as it
 * is up, instead of killing the process mid-start. When the start fails, the listeners are
 * removed again, so a later signal has its default effect.
 */
export async function runUntilSignal<T>(start: () => Promise<T>, stop: (service: T, signal: NodeJS.Signals) => Promise<void>): Promise<void> {
  const signal = stopSignal();
  let service: T;
  try {
    service = await start();
  } catch (err) {
    signal.dispose();
    throw err;
  }
  await stop(service, await signal.received);
}
