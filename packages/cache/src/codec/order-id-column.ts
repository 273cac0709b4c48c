import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { readStrings, writeStrings } from './string-block.js';

const STRINGS = 0;
const SEQUENCE = 1;
/** Longest numeric suffix kept as a number: 10^15 − 1 is well inside 2^53. */
const MAX_DIGITS = 15;
const LIMIT = 10 ** MAX_DIGITS;

/** Ids of one shape: `prefix` + a decimal number, zero-padded to `width` (0: not padded). */
interface Sequence {
  prefix: string;
  width: number;
  numbers: Float64Array;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The shared shape of the ids, or `null` when they have none (the generic fallback then). */
function sequenceOf(ids: readonly string[]): Sequence | null {
  const first = ids[0];
  if (first === undefined) return null;
  let start = first.length;
  while (start > 0 && isDigit(first.charCodeAt(start - 1))) start--;
  const width = first.length - start;
  if (width === 0 || width > MAX_DIGITS) return null;
  const prefix = first.slice(0, start);
  const numbers = new Float64Array(ids.length);
  let sameWidth = true;
  let noLeadingZeros = true;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const digits = id.length - start;
    if (digits < 1 || digits > MAX_DIGITS || !id.startsWith(prefix)) return null;
    let n = 0;
    for (let j = start; j < id.length; j++) {
      const c = id.charCodeAt(j);
      if (!isDigit(c)) return null;
      n = n * 10 + (c - 48);
    }
    if (digits !== width) sameWidth = false;
    if (digits > 1 && id.charCodeAt(start) === 48) noLeadingZeros = false;
    if (!sameWidth && !noLeadingZeros) return null;
    numbers[i] = n;
  }
  return { prefix, width: sameWidth ? width : 0, numbers };
}

/**
 * Order ids such as `O000000001`: a shared prefix, the pad width and the zigzag deltas of the
 * numbers (global sequences make them small within one store's chunk). Any other ids are
 * written as plain strings.
 */
export function writeOrderIds(writer: ByteWriter, ids: readonly string[]): void {
  const sequence = sequenceOf(ids);
  if (sequence === null) {
    writer.u8(STRINGS);
    writeStrings(writer, ids);
    return;
  }
  writer.u8(SEQUENCE);
  writeStrings(writer, [sequence.prefix]);
  writer.uvarint(sequence.width);
  const numbers = sequence.numbers;
  for (let i = numbers.length - 1; i > 0; i--) numbers[i] = numbers[i]! - numbers[i - 1]!;
  writer.svarints(numbers);
}

export function readOrderIds(reader: ByteReader, count: number): string[] {
  const kind = reader.u8();
  if (kind === STRINGS) return readStrings(reader, count);
  if (kind !== SEQUENCE) throw reader.corrupt(`unknown order id encoding ${kind}`);
  const [prefix] = readStrings(reader, 1) as [string];
  const width = reader.uvarint();
  if (width > MAX_DIGITS) throw reader.corrupt(`order id width ${width}`);
  const deltas = reader.svarints(count);
  const ids = new Array<string>(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    n += deltas[i]!;
    if (n < 0 || n >= LIMIT) throw reader.corrupt(`order id number ${n} out of range`);
    const digits = String(n);
    if (width === 0) {
      ids[i] = prefix + digits;
    } else {
      if (digits.length > width) throw reader.corrupt(`order id number ${n} wider than ${width} digits`);
      ids[i] = prefix + digits.padStart(width, '0');
    }
  }
  return ids;
}
