import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { EnvSchema } from '@prewarm/config';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

/** Every workspace: a directory under apps/ or packages/ with a package.json (`apps/cli`, and its name `@prewarm/cli`). */
const workspaces = ['apps', 'packages'].flatMap((group) =>
  readdirSync(new URL(`${group}/`, ROOT), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(new URL(`${group}/${d.name}/package.json`, ROOT)))
    .map((d) => ({ path: `${group}/${d.name}`, name: (JSON.parse(read(`${group}/${d.name}/package.json`)) as { name: string }).name })),
);

/** Every documentation page, as `docs/cache.md`. */
const docPages = readdirSync(new URL('docs/', ROOT))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);

/** `form` appears as a whole word or path (`apps/cli` but not `apps/cli-old` or `x-apps/cli`). */
function contains(text: string, form: string): boolean {
  return new RegExp(`(^|[^\\w./@-])${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);
}

/** A workspace is mentioned by its directory (`apps/server`) or its package name (`@prewarm/server`). */
const mentionsWorkspace = (text: string, w: { path: string; name: string }): boolean => contains(text, w.path) || contains(text, w.name);

/** A page is mentioned by its path (`docs/cache.md`) or, from inside docs/, by its file name (`cache.md`). */
const mentionsPage = (text: string, page: string, from: 'root' | 'docs'): boolean =>
  contains(text, page) || (from === 'docs' && contains(text, page.slice('docs/'.length)));

describe('README', () => {
  const readme = read('README.md');
  it('documents every configuration variable', () => {
    const missing = Object.keys(EnvSchema.shape).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it('names every workspace', () => {
    expect(workspaces.length).toBeGreaterThan(0);
    expect(workspaces.filter((w) => !mentionsWorkspace(readme, w)).map((w) => w.path)).toEqual([]);
  });

  it('lists every page of docs/', () => {
    expect(docPages.filter((page) => !mentionsPage(readme, page, 'root'))).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  const architecture = read('docs/architecture.md');
  it('names every workspace', () => {
    expect(workspaces.filter((w) => !mentionsWorkspace(architecture, w)).map((w) => w.path)).toEqual([]);
  });

  it('names every other page of docs/', () => {
    expect(docPages.filter((page) => page !== 'docs/architecture.md' && !mentionsPage(architecture, page, 'docs'))).toEqual([]);
  });
});

describe('the repository stands on its own', () => {
  it('no README or doc points outside it (../shared, shared/DESIGN)', () => {
    const files = ['README.md', 'bench/README.md', ...docPages];
    const outside = files.flatMap((file) => {
      const text = read(file);
      return ['../shared', 'shared/DESIGN'].filter((needle) => text.includes(needle)).map((needle) => `${file}: ${needle}`);
    });
    expect(outside).toEqual([]);
  });
});
