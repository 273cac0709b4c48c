/**
 * Resolves with the first SIGTERM or SIGINT. Call it before starting a long-running service:
 * a signal that arrives while the service is still starting is then kept, and the service is
 * stopped cleanly as soon as it is up, instead of the process dying from the default action.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}
