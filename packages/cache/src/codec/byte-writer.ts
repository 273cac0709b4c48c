const TWO_POW_31 = 2 ** 31;
/** Worst-case bytes of one varint of a value ≤ 2^53. */
const MAX_VARINT_BYTES = 8;

/** An append-only little-endian byte buffer with LEB128 varints; it grows as needed. */
export class ByteWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 1024) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `extra` more bytes. */
  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    if (this.length === this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** An unsigned integer 0 … 2^53 (at most 8 bytes). The caller guarantees the range. */
  uvarint(value: number): void {
    if (this.length + MAX_VARINT_BYTES > this.bytes.length) this.reserve(MAX_VARINT_BYTES);
    const bytes = this.bytes;
    let v = value;
    if (v < TWO_POW_31) {
      while (v > 0x7f) {
        bytes[this.length++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v > 0x7f) {
        bytes[this.length++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    bytes[this.length++] = v;
  }

  /** Many `uvarint`s: one capacity check, the cursor in a local. */
  uvarints(values: ArrayLike<number>, divisor = 1): void {
    this.reserve(values.length * MAX_VARINT_BYTES);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < values.length; i++) {
      let v = values[i]! / divisor;
      if (v < TWO_POW_31) {
        while (v > 0x7f) {
          bytes[at++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
      } else {
        while (v > 0x7f) {
          bytes[at++] = (v % 128) | 0x80;
          v = Math.floor(v / 128);
        }
      }
      bytes[at++] = v;
    }
    this.length = at;
  }

  /** Many `svarint`s of `values[i] / divisor` (exact quotients, as the caller guarantees). */
  svarints(values: ArrayLike<number>, divisor = 1): void {
    const zigzag = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]! / divisor;
      zigzag[i] = v >= 0 ? v * 2 : -v * 2 - 1;
    }
    this.uvarints(zigzag);
  }

  f64(value: number): void {
    if (this.length + 8 > this.bytes.length) this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** The written bytes (a view: the writer must not be used afterwards). */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
