import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/** Column encodings: raw float64 (the exact fallback), or scaled varints. */
const FLOAT64 = 0;
const SCALED = 1;
/** Largest value kept in an Int32Array (V8 small integers are 31 bits on some builds). */
const SMALL_INTEGER_MAX = 2 ** 30 - 1;
/** Largest |delta| that zigzags to at most 2^53, so it stays exact as a double. */
const MAX_DELTA = 2 ** 52;

/** A safe integer other than `-0` (which varints cannot tell from `0`). */
function isPlainInteger(v: number): boolean {
  return Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0);
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** The greatest common divisor of the non-zero values (1 when there are none). */
function scaleOf(values: Float64Array): number {
  let g = 0;
  for (const v of values) {
    if (v !== 0 && (g === 0 || v % g !== 0)) {
      g = gcd(g, Math.abs(v));
      if (g === 1) return 1;
    }
  }
  return g === 0 ? 1 : g;
}

function writeFloats(writer: ByteWriter, values: Float64Array): void {
  writer.u8(FLOAT64);
  for (const v of values) writer.f64(v);
}

function readFloats(reader: ByteReader, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = reader.f64();
  return out;
}

/**
 * Epoch-millisecond times as signed deltas — from the previous row, or from `base` (e.g.
 * `updatedAt` from `orderedAt`) — divided by their common divisor (1000 for whole seconds).
 * Falls back to raw float64 when any value is fractional, `-0` or unsafe.
 */
export function writeTimes(writer: ByteWriter, values: Float64Array, base: Float64Array | null): void {
  const deltas = new Float64Array(values.length);
  let previous = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const from = base === null ? previous : base[i]!;
    const delta = v - from;
    if (!isPlainInteger(v) || !isPlainInteger(from) || Math.abs(delta) > MAX_DELTA) return writeFloats(writer, values);
    deltas[i] = delta;
    previous = v;
  }
  const scale = scaleOf(deltas);
  writer.u8(SCALED);
  writer.uvarint(scale);
  writer.svarints(deltas, scale);
}

export function readTimes(reader: ByteReader, count: number, base: Float64Array | null): Float64Array {
  const kind = reader.u8();
  if (kind === FLOAT64) return readFloats(reader, count);
  if (kind !== SCALED) throw reader.corrupt(`unknown time encoding ${kind}`);
  const scale = reader.uvarint();
  if (scale === 0) throw reader.corrupt('time scale 0');
  const deltas = reader.svarints(count);
  const out = new Float64Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const v = (base === null ? previous : base[i]!) + deltas[i]! * scale;
    if (!Number.isSafeInteger(v)) throw reader.corrupt(`time ${v} outside the safe integers`);
    out[i] = v;
    previous = v;
  }
  return out;
}

/**
 * Non-negative integers (amounts in cents, item counts) as varints divided by their common
 * divisor. Falls back to raw float64 when any value is negative, fractional, `-0` or unsafe.
 */
export function writeCounts(writer: ByteWriter, values: Float64Array): void {
  for (const v of values) if (!isPlainInteger(v) || v < 0) return writeFloats(writer, values);
  const scale = scaleOf(values);
  writer.u8(SCALED);
  writer.uvarint(scale);
  writer.uvarints(values, scale);
}

/**
 * Reads what `writeCounts` wrote. Values that all fit in 31 bits come back as an Int32Array:
 * objects built from it keep them as V8 small integers. Read from a Float64Array, V8 would
 * switch the field representation of every `Order`-shaped object in the process to boxed
 * doubles (≈ 310 instead of ≈ 200 bytes an order, measured on 100 k, and slower to build).
 */
export function readCounts(reader: ByteReader, count: number): Int32Array | Float64Array {
  const kind = reader.u8();
  if (kind === FLOAT64) return readFloats(reader, count);
  if (kind !== SCALED) throw reader.corrupt(`unknown count encoding ${kind}`);
  const scale = reader.uvarint();
  if (scale === 0) throw reader.corrupt('count scale 0');
  const out = reader.uvarints(count);
  let max = 0;
  for (let i = 0; i < count; i++) {
    const v = out[i]! * scale;
    if (v > max) max = v;
    out[i] = v;
  }
  if (max > Number.MAX_SAFE_INTEGER) throw reader.corrupt(`count ${max} outside the safe integers`);
  return max <= SMALL_INTEGER_MAX ? Int32Array.from(out) : out;
}
