import { type DateRange, canonicalStoreIds, isBusinessDate, isStoreId, parseBusinessDate, previousRange } from '@prewarm/domain';
import { InvalidRequestError } from './errors.js';

/** A store set as asked for: every store, or a canonical (deduplicated, sorted) list. */
export type StoreSelection = 'all' | readonly string[];

/** Parses `all` or a comma-separated list of store ids. */
export function parseStoreSelection(text: string, parameter = 'stores'): StoreSelection {
  const trimmed = text.trim();
  if (trimmed === 'all') return 'all';
  const ids = trimmed.split(',').map((s) => s.trim());
  if (ids.length === 0 || ids.some((id) => id.length === 0)) {
    throw new InvalidRequestError(`${parameter} must be "all" or a comma-separated list of store ids, got ${JSON.stringify(text)}`, parameter);
  }
  if (ids.includes('all')) throw new InvalidRequestError(`${parameter}: "all" cannot be combined with store ids`, parameter);
  for (const id of ids) assertStoreId(id, parameter);
  return canonicalStoreIds(ids);
}

export function assertStoreId(id: string, parameter = 'store'): string {
  if (!isStoreId(id)) {
    throw new InvalidRequestError(`${parameter}: ${JSON.stringify(id)} is not a store id (letters, digits, _ and -, at most 64)`, parameter);
  }
  return id;
}

/** Validates an inclusive business-date range given as `YYYY-MM-DD` texts. */
/**
 * The period of a diagnosis: a date range (`parseDateRange`) whose previous period — the diagnosis
 * compares with as many days before it — starts on a supported date (0100-01-01 or later; the
 * years 0–99 cannot be told from 1900–1999 by `Date.UTC`).
 */
export function parseDiagnosisPeriod(from: string, to: string, maxDays = 3660): DateRange {
  const period = parseDateRange(from, to, maxDays);
  const previous = previousRange(period);
  if (!isBusinessDate(previous.from)) {
    throw new InvalidRequestError(`from: the period ${period.from}..${period.to} is compared with ${previous.from}..${previous.to}, before the earliest date supported, 0100-01-01`, 'from');
  }
  return period;
}

export function parseDateRange(from: string, to: string, maxDays = 3660): DateRange {
  const first = parseBusinessDate(from);
  if (first === null) throw new InvalidRequestError(`from: ${JSON.stringify(from)} is not a date (YYYY-MM-DD)`, 'from');
  const last = parseBusinessDate(to);
  if (last === null) throw new InvalidRequestError(`to: ${JSON.stringify(to)} is not a date (YYYY-MM-DD)`, 'to');
  if (first > last) throw new InvalidRequestError(`from (${from}) is after to (${to})`, 'from');
  if (last - first + 1 > maxDays) throw new InvalidRequestError(`to: the range ${from}..${to} is longer than ${maxDays} days`, 'to');
  return { from, to };
}
