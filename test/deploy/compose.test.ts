/**
 * The deployment files at the repository root, checked without a Docker engine:
 * docker-compose.yml (against the Compose Specification's JSON schema, the configuration
 * schema, and the topology of contract §3/§10), redis.conf (the queue/state role), Dockerfile
 * and .dockerignore.
 *
 * test/fixtures/compose-spec.json is the Compose Specification's schema, copied unchanged from
 * repository compose-spec/compose-spec, path schema/compose-spec.json, commit
 * 00655e2222608fa6eaecdf12ac5195889ca2244a (74,133 characters). To update it, copy a newer
 * version of that file over it and note its commit here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvSchema, parseConfig } from '@prewarm/config';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const require = createRequire(import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

// ---------------------------------------------------------------------------------------------
// docker-compose.yml as Compose sees it: YAML with merge keys (`<<: *anchor`), then variable
// interpolation with every variable unset (so `${VAR:-default}` takes its default).

type Dict = Record<string, unknown>;

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

interface Service {
  image?: string;
  build?: string | Dict;
  entrypoint?: string | string[];
  command?: string | string[];
  environment?: Dict | string[];
  healthcheck?: Healthcheck;
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  deploy?: { replicas?: number };
  profiles?: string[];
  ports?: (string | number | Dict)[];
  volumes?: (string | Dict)[];
  restart?: string;
  stop_grace_period?: string;
  init?: boolean;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Compose interpolation with an empty environment: `$$` → `$`, `${V:-d}`/`${V-d}` → d, `${V}`/`$V` → ''. */
function interpolateString(text: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    if (op === ':?' || op === '?') throw new Error(`${name} is required by docker-compose.yml: ${arg}`);
    if (op === ':-' || op === '-') return arg ?? '';
    return ''; // unset, and `${V:+x}` of an unset V
  });
}

function interpolate(value: unknown): unknown {
  if (typeof value === 'string') return interpolateString(value);
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

const composeText = read('docker-compose.yml');
const rawCompose = parse(composeText, { merge: true }) as unknown;
const compose = interpolate(rawCompose) as ComposeFile;
const services = Object.entries(compose.services);
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value);

function environmentOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/** Services that run this repository's image (built from the Dockerfile). */
const CLI = 'apps/cli/bin/prewarm.js';
const prewarmServices = services.filter(([, s]) => s.build !== undefined);

/** "1m30s" → 90000 ms (Compose durations). */
function durationMs(text: string | undefined): number {
  if (!text) return 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) total += Number(n) * units[unit!]!;
  return total;
}

/** `--flag value` pairs of a command line (Redis options). */
function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  argv.forEach((arg, i) => {
    if (arg.startsWith('--')) out.set(arg.slice(2), argv[i + 1] ?? '');
  });
  return out;
}

/** redis.conf directives (last one wins, as in Redis), comments and blank lines skipped. */
function redisDirectives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [key, ...rest] = trimmed.split(/\s+/);
    out.set(key!.toLowerCase(), rest.join(' '));
  }
  return out;
}

/** The script of a `node … -e SCRIPT` healthcheck, and whether it is an ES module. */
function nodeScript(test: string[]): { script: string; module: boolean } | null {
  const [kind, command, ...args] = test;
  if (kind !== 'CMD' || command !== 'node') return null;
  const at = args.indexOf('-e');
  if (at < 0) return null;
  return { script: args[at + 1] ?? '', module: args.includes('--input-type=module') };
}

/** ajv for the vendored compose-spec schema (draft-07, declared as https://json-schema.org/draft-07/schema). */
function composeValidator() {
  const schema = JSON.parse(read('test/fixtures/compose-spec.json')) as Dict;
  expect(schema['$id']).toBe('compose_spec.json');
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  // ajv knows draft-07 by its http:// id; the spec names it by https:// without the '#'.
  const draft07 = require('ajv/dist/refs/json-schema-draft-07.json') as Dict;
  ajv.addMetaSchema({ ...draft07, $id: String(schema['$schema']) });
  // ajv-formats is a CommonJS module whose function is also its `default` export.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
  addFormats(ajv);
  return { ajv, validate: ajv.compile(schema) };
}

// ---------------------------------------------------------------------------------------------

describe('docker-compose.yml: the Compose Specification', () => {
  it('validates against the compose-spec JSON schema', () => {
    const { ajv, validate } = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is rejected by the schema when it breaks the spec (the check can fail)', () => {
    const { validate } = composeValidator();
    const broken = structuredClone(compose) as unknown as { services: Record<string, Dict> };
    broken.services['worker']!['depends_on'] = { postgres: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
  });

  it('keeps `$` out of healthcheck scripts (Compose would interpolate it)', () => {
    const raw = rawCompose as { services: Record<string, Service> };
    for (const [name, s] of Object.entries(raw.services)) {
      for (const part of asList(s.healthcheck?.test)) expect(interpolateString(part), `${name}: ${part}`).toBe(part);
    }
  });
});

describe('docker-compose.yml: configuration', () => {
  const shape = Object.keys(EnvSchema.shape);

  it('has the prewarm services, all built from the Dockerfile', () => {
    expect(prewarmServices.map(([name]) => name).sort()).toEqual(['scheduler', 'seed', 'server', 'worker']);
  });

  it('uses only PREWARM_* variables that EnvSchema knows', () => {
    for (const [name, s] of services) {
      const unknown = Object.keys(environmentOf(s)).filter((key) => key.startsWith('PREWARM_') && !shape.includes(key));
      expect(unknown, name).toEqual([]);
    }
  });

  it("parses every prewarm service's environment with parseConfig", () => {
    for (const [name, s] of prewarmServices) {
      const env = environmentOf(s);
      const config = parseConfig(env);
      expect(config.source.kind, name).toBe('postgres');
      expect(config.redis.queueUrl, name).toBe('redis://redis-queue:6379');
      expect(config.redis.cacheUrl, name).toBe('redis://redis-cache:6379');
      expect(config.redis.shared, name).toBe(false);
      const source = new URL(config.source.url);
      expect(`${source.hostname}:${source.port}`, name).toBe('postgres:5432');
    }
  });

  it('points PREWARM_SOURCE_URL at the database and user the postgres service creates', () => {
    const pg = environmentOf(service('postgres'));
    expect(pg['POSTGRES_DB']).toBeTruthy();
    expect(pg['POSTGRES_USER']).toBeTruthy();
    for (const [name, s] of prewarmServices) {
      const url = new URL(parseConfig(environmentOf(s)).source.url);
      expect(url.pathname, name).toBe(`/${pg['POSTGRES_DB']}`);
      expect(decodeURIComponent(url.username), name).toBe(pg['POSTGRES_USER']);
      expect(decodeURIComponent(url.password), name).toBe(pg['POSTGRES_PASSWORD'] ?? '');
    }
  });

  it('makes the server listen on every interface, on the port it publishes and probes', () => {
    const s = service('server');
    const { http } = parseConfig(environmentOf(s));
    expect(http.host).toBe('0.0.0.0');
    const published = (s.ports ?? []).map(String);
    expect(published).toContain(`8080:${http.port}`);
    const probe = asList(s.healthcheck?.test).join(' ');
    expect(probe).toContain('/healthz');
    expect(probe).toMatch(/PREWARM_HTTP_PORT|:8080\//);
  });
});

describe('docker-compose.yml: topology', () => {
  it('gives every service a healthcheck', () => {
    for (const [name, s] of services) {
      const hc = s.healthcheck;
      expect(hc, name).toBeDefined();
      expect(hc?.disable ?? false, name).toBe(false);
      const test = asList(hc?.test);
      expect(['CMD', 'CMD-SHELL'], `${name}: ${test.join(' ')}`).toContain(test[0]);
      expect(test.length, name).toBeGreaterThan(1);
    }
  });

  it('checks each role with the right probe', () => {
    for (const name of ['redis-queue', 'redis-cache']) expect(asList(service(name).healthcheck?.test).join(' '), name).toMatch(/redis-cli.*ping/);
    expect(asList(service('postgres').healthcheck?.test)).toContain('pg_isready');
    for (const [name, s] of prewarmServices) expect(asList(s.healthcheck?.test)[1], name).toBe('node');
    // The worker's check looks for a heartbeat, the scheduler's for its own Redis connection.
    expect(asList(service('worker').healthcheck?.test).join(' ')).toContain('heartbeatPattern');
    expect(asList(service('scheduler').healthcheck?.test).join(' ')).toContain('/proc/net/tcp');
  });

  it('writes node healthcheck scripts that parse and import what the packages export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prewarm-healthcheck-'));
    try {
      for (const [name, s] of services) {
        const found = nodeScript(asList(s.healthcheck?.test));
        if (!found) continue;
        const file = join(dir, `${name}.${found.module ? 'mjs' : 'cjs'}`);
        writeFileSync(file, found.script);
        const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
        expect(check.status, `${name}: ${check.stderr}`).toBe(0);
        for (const [, names, from] of found.script.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@prewarm\/[^']+)'/g)) {
          const exported = (await import(from!)) as Dict;
          for (const imported of names!.split(',').map((n) => n.trim()).filter(Boolean)) {
            expect(typeof exported[imported], `${name}: ${imported} from ${from}`).toBe('function');
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits on conditions: healthy services, or a completed one-shot', () => {
    for (const [name, s] of services) {
      const deps = s.depends_on ?? {};
      expect(Array.isArray(deps), `${name}: depends_on must name a condition`).toBe(false);
      for (const [dep, spec] of Object.entries(deps as Record<string, { condition?: string }>)) {
        expect(compose.services[dep], `${name} → ${dep}`).toBeDefined();
        const oneShot = (compose.services[dep]?.profiles ?? []).length > 0;
        expect(spec.condition, `${name} → ${dep}`).toBe(oneShot ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    for (const name of ['worker', 'server']) {
      expect(Object.keys(service(name).depends_on ?? {}).sort(), name).toEqual(['postgres', 'redis-cache', 'redis-queue', 'seed']);
      // The seed profile is optional: without it the dependency is skipped, not an error.
      expect((service(name).depends_on as Record<string, { required?: boolean }>)['seed']?.required, name).toBe(false);
    }
    expect(Object.keys(service('scheduler').depends_on ?? {})).toEqual(['redis-queue']);
  });

  it('starts every process as node + the CLI, never through npm or npx', () => {
    const bin = (JSON.parse(read('apps/cli/package.json')) as { bin: Record<string, string> }).bin['prewarm'];
    expect(bin?.replace(/^\.\//, 'apps/cli/')).toBe(CLI);
    const commands: Record<string, string> = {};
    for (const [name, s] of prewarmServices) {
      const argv = [...asList(s.entrypoint), ...asList(s.command)];
      expect(argv.slice(0, 2), name).toEqual(['node', CLI]);
      commands[name] = argv[2] ?? '';
    }
    expect(commands).toEqual({ seed: 'seed', worker: 'worker', scheduler: 'scheduler', server: 'serve' });
    for (const [name, s] of services) {
      const words = [...asList(s.entrypoint), ...asList(s.command), ...asList(s.healthcheck?.test)].flatMap((part) => part.split(/\s+/));
      expect(words.filter((w) => /^(npx|npm)$/.test(w)), name).toEqual([]);
    }
  });

  it('runs two workers, scheduler replicas and a one-shot seed under a profile', () => {
    expect(service('worker').deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(service('scheduler').deploy?.replicas ?? 1).toBeGreaterThanOrEqual(1);
    expect(service('server').deploy?.replicas ?? 1).toBe(1); // one published port
    expect(service('seed').profiles).toEqual(['seed']);
    expect(service('seed').restart).toBe('no');
    for (const name of ['worker', 'scheduler', 'server']) {
      expect(service(name).profiles, name).toBeUndefined();
      expect(service(name).restart, name).toBe('unless-stopped');
    }
  });

  it('gives a worker time to finish its running jobs on SIGTERM', () => {
    expect(durationMs(service('worker').stop_grace_period)).toBeGreaterThanOrEqual(60_000);
    for (const name of ['server', 'scheduler']) expect(durationMs(service(name).stop_grace_period), name).toBeGreaterThan(10_000);
  });

  it('runs PostgreSQL 16 with its data on a named volume', () => {
    const pg = service('postgres');
    expect(pg.image).toMatch(/^postgres:16(\b|-)/);
    expect((pg.volumes ?? []).map(String).some((v) => /^[\w-]+:\/var\/lib\/postgresql\/data$/.test(v))).toBe(true);
  });
});

describe('the Redis roles', () => {
  it('redis-queue runs the root redis.conf: noeviction, AOF every second, in a named volume at /data', () => {
    const q = service('redis-queue');
    const argv = asList(q.command);
    expect(argv[0]).toBe('redis-server');
    const confPath = argv[1]!;
    const mounts = (q.volumes ?? []).map(String);
    expect(mounts).toContain(`./redis.conf:${confPath}:ro`);
    const conf = redisDirectives(read('redis.conf'));
    expect(conf.get('maxmemory-policy')).toBe('noeviction');
    expect(conf.get('appendonly')).toBe('yes');
    expect(conf.get('appendfsync')).toBe('everysec');
    expect(conf.get('dir')).toBe('/data');
    // Nothing on the command line overrides the file.
    expect([...flags(argv).keys()]).toEqual([]);
    const dataVolume = mounts.map((m) => m.split(':')).find(([, target]) => target === '/data');
    expect(dataVolume?.[0]).toMatch(/^[\w-]+$/); // a named volume, not a host path
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume?.[0]);
  });

  it('redis-cache has a memory budget with allkeys-lru and no persistence', () => {
    const c = service('redis-cache');
    const argv = asList(c.command);
    expect(argv[0]).toBe('redis-server');
    const f = flags(argv);
    expect(f.get('maxmemory')).toMatch(/^[1-9]\d*(kb|mb|gb)?$/i);
    expect(f.get('maxmemory-policy')).toBe('allkeys-lru');
    expect(f.get('save')).toBe('');
    expect(f.get('appendonly')).toBe('no');
    expect((c.volumes ?? []).length).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

interface Stage {
  image: string;
  name: string | undefined;
  lines: string[];
}

/** Dockerfile instructions (continuations joined, comments dropped), grouped by stage. */
function dockerfileStages(text: string): Stage[] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ image: from[1]!, name: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const instruction = (stage: Stage, keyword: string): string[] =>
  stage.lines.filter((l) => l.toUpperCase().startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const final = stages.at(-1)!;
  const build = stages[0]!;

  it('is multi-stage on Node 22: full bookworm to build, slim bookworm to run', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(/^node:22-/);
    expect(build.image).toBe('node:22-bookworm');
    expect(final.image).toBe('node:22-bookworm-slim');
    expect(instruction(final, 'COPY').some((c) => c.includes(`--from=${build.name}`))).toBe(true);
  });

  it('installs, builds and prunes to production dependencies in the build stage', () => {
    const runs = instruction(build, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    // What runs: dist/ of every workspace, the CLI's bin/, the server's page.
    for (const part of ['"$ws/dist"', 'apps/cli/bin', 'apps/server/public']) expect(runs, part).toContain(part);
  });

  it('copies the manifest of every workspace before `npm ci`', () => {
    const copies = instruction(build, 'COPY').join('\n');
    const workspaces = ['apps', 'packages'].flatMap((group) =>
      readdirSync(new URL(`${group}/`, ROOT), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(new URL(`${group}/${d.name}/package.json`, ROOT)))
        .map((d) => `${group}/${d.name}`),
    );
    expect(workspaces.length).toBeGreaterThan(0);
    for (const ws of workspaces) expect(copies, ws).toContain(`${ws}/package.json ${ws}/`);
  });

  it('runs as the non-root node user in /app with NODE_ENV=production', () => {
    expect(instruction(final, 'USER').at(-1)).toBe('node');
    expect(instruction(final, 'WORKDIR').at(-1)).toBe('/app');
    expect(instruction(final, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('starts node directly on the CLI (exec form), serve by default; compose uses the same entrypoint', () => {
    const entrypoint = JSON.parse(instruction(final, 'ENTRYPOINT').at(-1) ?? 'null') as unknown;
    expect(entrypoint).toEqual(['node', CLI]);
    expect(JSON.parse(instruction(final, 'CMD').at(-1) ?? 'null')).toEqual(['serve']);
    for (const [name, s] of prewarmServices) expect(asList(s.entrypoint), name).toEqual(entrypoint);
  });
});

describe('.dockerignore', () => {
  it('keeps host builds, dependencies, data and history out of the build context', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', '**/dist', '**/*.tsbuildinfo', 'data', '.git', 'test-artifacts']) expect(patterns, p).toContain(p);
  });
});

