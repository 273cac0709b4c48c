import type { Logger } from '@prewarm/telemetry';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  [field: string]: unknown;
}

/** A pino-like logger that keeps every record, bindings of its children included. */
export function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: LogRecord['level']) => (obj: object, msg?: string) => {
      records.push({ ...bindings, ...obj, level, msg });
    };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), records };
}

/** Resolves when `condition` holds; rejects naming `what` if it does not within `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How many times each value occurs. */
export function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

export function uniquePrefix(): string {
  return `t${Math.random().toString(36).slice(2, 10)}`;
}

/** One second in node-cron's 6-field syntax: a tick every second, so tests count ticks quickly. */
export const EVERY_SECOND = '*/1 * * * * *';
