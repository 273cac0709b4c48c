/**
 * Strict ISO 8601 timestamps with an explicit offset (`Z` or `±HH:MM`), as the source
 * contract requires. `Date.parse` alone accepts far more (and guesses a zone when none is
 * given), so the shape is checked first and the fields are range-checked.
 */
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/** Milliseconds since the epoch, or `null` when the text is not such a timestamp. */
export function parseTimestamp(text: string): number | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  // Not Date.UTC(year, ...): it maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, fraction);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null; // 2026-02-30 and the like
  const local = date.getTime();
  const zone = m[8]!;
  if (zone === 'Z' || zone === 'z') return local;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (offsetHours > 18 || offsetMinutes > 59) return null;
  return local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
