import { readFileSync } from 'node:fs';
import { EnvSchema } from '@prewarm/config';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it('documents every configuration variable', () => {
    const missing = Object.keys(EnvSchema.shape).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
