/**
 * The Redis URLs prewarm accepts, for `PREWARM_QUEUE_REDIS_URL` and `PREWARM_CACHE_REDIS_URL`:
 *
 * - `redis://[user:pass@]host:port[/db]`, `rediss://…` (TLS): one server;
 * - `redis+cluster://[user:pass@]host:port,host:port,…`, `rediss+cluster://…`: a Redis Cluster
 *   (the hosts are seeds; the client discovers the other nodes);
 * - `redis+sentinel://[user:pass@]host:port,host:port,…/MASTERNAME[/db]`, `rediss+sentinel://…`:
 *   a Sentinel-managed master (the credentials are the master's; sentinels are asked without).
 *
 * Errors never repeat the URL: it may hold a password.
 */

export interface RedisNode {
  host: string;
  port: number;
}

interface Credentials {
  /** TLS (`rediss…`). */
  tls: boolean;
  username?: string;
  password?: string;
}

export type RedisEndpoint =
  | ({ kind: 'single'; node: RedisNode; db: number } & Credentials)
  | ({ kind: 'cluster'; nodes: RedisNode[] } & Credentials)
  | ({ kind: 'sentinel'; sentinels: RedisNode[]; masterName: string; db: number } & Credentials);

/** A Redis URL that does not follow the grammar above; the message names what is wrong, never the password. */
export class RedisUrlError extends Error {
  static readonly code = 'E_REDIS_URL';
  readonly code = RedisUrlError.code;
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}

const SCHEMES: Record<string, { kind: RedisEndpoint['kind']; tls: boolean }> = {
  redis: { kind: 'single', tls: false },
  rediss: { kind: 'single', tls: true },
  'redis+cluster': { kind: 'cluster', tls: false },
  'rediss+cluster': { kind: 'cluster', tls: true },
  'redis+sentinel': { kind: 'sentinel', tls: false },
  'rediss+sentinel': { kind: 'sentinel', tls: true },
};

const DEFAULT_PORT = { single: 6379, cluster: 6379, sentinel: 26379 } as const;

export function parseRedisUrl(text: string): RedisEndpoint {
  const m = /^([a-z+]+):\/\/(.*)$/.exec(text);
  const scheme = m ? SCHEMES[m[1]!] : undefined;
  if (!m || !scheme) {
    throw new RedisUrlError('must start with redis://, rediss://, redis+cluster://, rediss+cluster://, redis+sentinel:// or rediss+sentinel://');
  }
  let rest = m[2]!;
  const credentials: Credentials = { tls: scheme.tls };
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'user name');
    const password = colon >= 0 ? decode(userinfo.slice(colon + 1), 'password') : undefined;
    if (username) credentials.username = username;
    if (password) credentials.password = password;
  }
  const slash = rest.indexOf('/');
  const hostList = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : '';
  if (/[?#]/.test(rest)) throw new RedisUrlError('takes no query string or fragment');
  const nodes = hostList.split(',').map((h) => parseNode(h, DEFAULT_PORT[scheme.kind]));
  if (scheme.kind === 'single') {
    if (nodes.length !== 1) throw new RedisUrlError(`names ${nodes.length} hosts: use redis+cluster:// for a cluster or redis+sentinel:// for sentinels`);
    return { kind: 'single', node: nodes[0]!, db: parseDb(path), ...credentials };
  }
  if (scheme.kind === 'cluster') {
    if (path !== '') throw new RedisUrlError('a cluster URL takes no path (a Redis Cluster has only database 0)');
    return { kind: 'cluster', nodes, ...credentials };
  }
  const [masterName, db, ...extra] = path.split('/');
  if (!masterName || !/^[A-Za-z0-9_.-]+$/.test(masterName) || extra.length > 0) {
    throw new RedisUrlError('a sentinel URL ends with /MASTERNAME (the name the sentinels monitor), optionally /DB');
  }
  return { kind: 'sentinel', sentinels: nodes, masterName, db: parseDb(db ?? ''), ...credentials };
}

/** The URL with its password replaced by `***` (for logs, errors and answers). */
export function redactRedisUrl(text: string): string {
  // The user info runs to the last `@` (as the parser reads it): a password may hold `/` or `@`.
  const m = /^([^:/]*:\/\/)(.*)@([^@]*)$/s.exec(text);
  if (!m) return text;
  const colon = m[2]!.indexOf(':');
  return colon < 0 ? text : `${m[1]}${m[2]!.slice(0, colon)}:***@${m[3]}`;
}

function parseNode(text: string, defaultPort: number): RedisNode {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new RedisUrlError(text === '' ? 'names no host' : `has a bad host:port ${JSON.stringify(text)}`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`has a port out of range: ${m[2]}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseDb(text: string): number {
  if (text === '') return 0;
  if (!/^\d{1,2}$/.test(text)) throw new RedisUrlError(`has a bad database number ${JSON.stringify(text)} (0–15)`);
  return Number(text);
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RedisUrlError(`has a badly percent-encoded ${what}`);
  }
}
