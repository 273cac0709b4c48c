import { CorruptPayloadError } from './errors.js';

const TWO_POW_28 = 2 ** 28;

/**
 * Reads what `ByteWriter` wrote. Every read is bounds-checked: running off the end, an
 * over-long varint or a value above 2^53 throws `CorruptPayloadError` naming `codec`.
 */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    readonly codec: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  corrupt(detail: string): CorruptPayloadError {
    return new CorruptPayloadError(this.codec, `${detail} (at byte ${this.offset})`);
  }

  u8(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw this.truncated();
    this.offset++;
    return b;
  }

  uvarint(): number {
    const bytes = this.bytes;
    let b = bytes[this.offset++];
    if (b === undefined) throw this.truncated();
    if (b < 0x80) return b;
    let value = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      b = bytes[this.offset++];
      if (b === undefined) throw this.truncated();
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
    // Past 28 bits: plain arithmetic, at most 8 bytes (56 bits), then the 2^53 range check.
    let scale = TWO_POW_28;
    for (let i = 4; i < 8; i++) {
      b = bytes[this.offset++];
      if (b === undefined) throw this.truncated();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > 2 ** 53) throw this.corrupt('varint above 2^53');
        return value;
      }
      scale *= 128;
    }
    throw this.corrupt('varint longer than 8 bytes');
  }

  /**
   * `count` unsigned varints. The loop keeps the cursor in a local (several times faster than
   * `count` calls of `uvarint`), and a typed array keeps the column off the garbage-collected
   * heap.
   */
  uvarints(count: number): Float64Array {
    const bytes = this.bytes;
    const out = new Float64Array(count);
    let at = this.offset;
    for (let i = 0; i < count; i++) {
      // Up to 4 bytes (28 bits) inline; longer ones, and any overrun, through `uvarint`.
      let b = bytes[at] ?? 0x80;
      let value = b & 0x7f;
      let used = 1;
      while (b >= 0x80 && used < 4) {
        b = bytes[at + used] ?? 0x80;
        value |= (b & 0x7f) << (7 * used);
        used++;
      }
      if (b < 0x80) {
        out[i] = value;
        at += used;
      } else {
        this.offset = at;
        out[i] = this.uvarint();
        at = this.offset;
      }
    }
    this.offset = at;
    return out;
  }

  /** `count` zigzag varints (see `uvarints`). */
  svarints(count: number): Float64Array {
    const out = this.uvarints(count);
    for (let i = 0; i < count; i++) {
      const u = out[i]!;
      out[i] = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    return out;
  }

  f64(): number {
    if (this.offset + 8 > this.bytes.length) throw this.truncated();
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  /** The next `length` bytes, as a view. */
  raw(length: number): Uint8Array {
    if (length > this.remaining) throw this.truncated();
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** A count that must fit in the remaining bytes at `minBytesEach` bytes per item. */
  count(minBytesEach: number): number {
    const n = this.uvarint();
    if (n * minBytesEach > this.remaining) throw this.corrupt(`count ${n} exceeds the remaining ${this.remaining} bytes`);
    return n;
  }

  expectEnd(): void {
    if (this.offset !== this.bytes.length) throw this.corrupt(`${this.bytes.length - this.offset} trailing bytes`);
  }

  private truncated(): CorruptPayloadError {
    this.offset = this.bytes.length;
    return this.corrupt('truncated');
  }
}
