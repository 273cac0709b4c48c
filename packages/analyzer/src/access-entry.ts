import { ACCESS_FIELD, decodeAccessEntry } from '@prewarm/cache';
import type { Level } from '@prewarm/redis';

/** One stream entry as XREADGROUP / XAUTOCLAIM return it; fields are null when the entry was trimmed. */
export type StreamEntry = readonly [id: string, fields: readonly string[] | null];

/** A stream entry the analyzer can count. */
export interface CountableAccess {
  id: string;
  level: Level;
  /** `all`, or the canonical set: sorted by code unit, without duplicates. */
  stores: 'all' | readonly string[];
  from: string;
  to: string;
  /** Epoch ms of the (latest) read: the `at` field, or the stream id's time when `at` is unusable. */
  at: number;
  /** How many identical reads the entry stands for. */
  reads: number;
}

const LEVEL = new Set<string>(['l1', 'l2', 'l3']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An L2 read over several stores logs only their number; it names no store, so it is not counted. */
const COUNT_ONLY = /^\d+ stores$/;

/**
 * Reads one access-log entry: the one field `AccessLog` writes (`e`, see `encodeAccessEntry`),
 * or the eight fields (`l`, `s`, `f`, `t`, `h`, `src`, `us`, `at`) of entries written before
 * it, which a stream may still hold after an upgrade. Returns null for what cannot be counted:
 * a trimmed or unreadable entry, an unknown level, a store set given only as `N stores`, an L3
 * read without a valid range.
 */
export function parseAccessEntry([id, fields]: StreamEntry): CountableAccess | null {
  const read = fields ? readFields(fields) : null;
  if (!read || !LEVEL.has(read.level)) return null;
  const stores = parseStoreSet(read.stores);
  if (stores === null) return null;
  const { from, to } = read;
  if (read.level === 'l3' && !(DATE.test(from) && DATE.test(to))) return null;
  return { id, level: read.level as Level, stores, from, to, at: readAt(read.at, id), reads: read.reads };
}

interface EntryFields {
  level: string;
  stores: string;
  from: string;
  to: string;
  at: string | number | undefined;
  reads: number;
}

function readFields(fields: readonly string[]): EntryFields | null {
  if (fields.length === 2 && fields[0] === ACCESS_FIELD) return decodeAccessEntry(fields[1]!);
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const level = f.get('l');
  if (level === undefined) return null;
  return { level, stores: f.get('s') ?? '', from: f.get('f') ?? '', to: f.get('t') ?? '', at: f.get('at'), reads: 1 };
}

/** `all`, or a canonical list of ids; null when no store can be named. */
export function parseStoreSet(text: string): 'all' | string[] | null {
  const s = text.trim();
  if (s === 'all') return 'all';
  if (COUNT_ONLY.test(s)) return null;
  const ids = [...new Set(s.split(',').map((id) => id.trim()).filter((id) => id.length > 0))];
  if (ids.length === 0) return null;
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The ZSET member of an L3 read: `<set>|<from>|<to>`. */
export function setMember(access: Pick<CountableAccess, 'stores' | 'from' | 'to'>): string {
  const set = access.stores === 'all' ? 'all' : access.stores.join(',');
  return `${set}|${access.from}|${access.to}`;
}

/** Splits a set member back; the dates are the last two `|` parts, whatever the ids contain. */
export function parseSetMember(member: string): { stores: string; from: string; to: string } | null {
  const second = member.lastIndexOf('|');
  const first = second > 0 ? member.lastIndexOf('|', second - 1) : -1;
  if (first <= 0) return null;
  return { stores: member.slice(0, first), from: member.slice(first + 1, second), to: member.slice(second + 1) };
}

function readAt(at: string | number | undefined, id: string): number {
  const n = at === undefined || at === '' ? Number.NaN : Number(at);
  if (Number.isFinite(n) && n >= 0) return n;
  const dash = id.indexOf('-');
  const ms = Number(dash < 0 ? id : id.slice(0, dash));
  return Number.isFinite(ms) ? ms : 0;
}
