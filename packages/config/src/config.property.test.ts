/**
 * Properties of configuration parsing: any value of any variable either parses or fails with
 * one ConfigError naming that variable; a URL's password never appears in the message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { ENV_DOCS } from './schema.js';

const variables = Object.keys(ENV_DOCS);

describe('parseConfig (property)', () => {
  it('accepts a value or names the variable it refuses', () => {
    fc.assert(
      fc.property(fc.constantFrom(...variables), fc.string({ maxLength: 40 }), (name, value) => {
        try {
          parseConfig({ [name]: value });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).message).toContain(name);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never repeats the password of a Redis URL it refuses', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{6,16}$/), fc.string({ maxLength: 10 }), (password, junk) => {
        const url = `redis://user:${password}@127.0.0.1:${junk}`;
        try {
          parseConfig({ PREWARM_QUEUE_REDIS_URL: url });
        } catch (err) {
          expect((err as Error).message).not.toContain(password);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
