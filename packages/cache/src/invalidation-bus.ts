import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@prewarm/redis';
import type { Logger } from '@prewarm/telemetry';

/** What changed: entries rewritten in place, and/or store generations bumped. */
export interface InvalidationMessage {
  keys?: string[];
  generations?: Record<string, number>;
  /** Drop everything held in memory (the source was replaced). */
  flush?: boolean;
  /** The publishing process; it applied the change itself and ignores its own echo. */
  origin?: string;
}

/**
 * Cross-process invalidation over Redis pub/sub: when an entry is rewritten or a store's
 * generation is bumped, every process drops the entry from its L4 and updates its generations.
 * Pub/sub keeps nothing, so a subscriber that reconnects calls `onResync` to reload state.
 */
export class InvalidationBus {
  readonly origin = randomUUID();
  private readonly subscriber: RedisConnection;
  private started: Promise<void> | undefined;

  constructor(
    private readonly publisher: RedisConnection,
    private readonly channel: string,
    private readonly handlers: { onMessage: (m: InvalidationMessage) => void; onResync: () => void },
    private readonly logger: Logger,
  ) {
    this.subscriber = publisher.duplicate();
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      let first = true;
      this.subscriber.on('ready', () => {
        if (!first) this.handlers.onResync();
        first = false;
      });
      this.subscriber.on('message', (channel: string, text: string) => {
        if (channel !== this.channel) return;
        try {
          const message = JSON.parse(text) as InvalidationMessage;
          if (message.origin !== this.origin) this.handlers.onMessage(message);
        } catch (err) {
          this.logger.warn({ err }, 'ignoring a malformed invalidation message');
        }
      });
      this.subscriber.on('error', (err: Error) => this.logger.debug({ err }, 'invalidation subscriber error'));
      await this.subscriber.subscribe(this.channel);
    })();
    return this.started;
  }

  async publish(message: InvalidationMessage): Promise<void> {
    if ((message.keys?.length ?? 0) === 0 && !message.generations && !message.flush) return;
    await this.publisher.publish(this.channel, JSON.stringify({ ...message, origin: this.origin }));
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
  }
}
