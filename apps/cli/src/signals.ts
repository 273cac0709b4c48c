/** The first SIGTERM or SIGINT, listened for until `dispose`. */
export interface StopSignal {
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

export function stopSignal(): StopSignal {
  let on: (signal: NodeJS.Signals) => void = () => {};
  const dispose = () => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    on = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  process.once('SIGTERM', on);
  process.once('SIGINT', on);
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
