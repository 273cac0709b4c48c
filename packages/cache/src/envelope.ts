import { crc32 } from 'node:zlib';
import { CorruptEntryError } from './errors.js';

/**
 * The binary envelope of every stored entry:
 *
 * | bytes | field |
 * |---|---|
 * | 0–1 | magic `PW` |
 * | 2 | format version (1) |
 * | 3 | layout id (how the payload was serialized) |
 * | 4 | codec id (how it was compressed) |
 * | 5 | flags (reserved, 0) |
 * | 6–9 | CRC-32 of the payload |
 * | 10–17 | created-at, epoch ms (float64) |
 * | 18–25 | source watermark, epoch ms (float64; -1 when unknown) |
 * | 26–29 | serialized (uncompressed) payload length |
 * | 30– | payload |
 */
export const ENVELOPE_VERSION = 1;
export const HEADER_BYTES = 30;
const MAGIC_0 = 0x50; // P
const MAGIC_1 = 0x57; // W

export interface EnvelopeHeader {
  layoutId: number;
  codecId: number;
  createdAt: number;
  watermark: number;
  rawLength: number;
}

export function encodeEnvelope(header: EnvelopeHeader, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = MAGIC_0;
  out[1] = MAGIC_1;
  out[2] = ENVELOPE_VERSION;
  out[3] = header.layoutId;
  out[4] = header.codecId;
  out[5] = 0;
  out.writeUInt32BE(crc32(payload), 6);
  out.writeDoubleBE(header.createdAt, 10);
  out.writeDoubleBE(header.watermark, 18);
  out.writeUInt32BE(header.rawLength, 26);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** Reads only the header (no checksum check): for statistics and watermarks. */
export function readHeader(entry: Buffer): EnvelopeHeader {
  if (entry.length < HEADER_BYTES) throw new CorruptEntryError('truncated', `entry of ${entry.length} bytes is shorter than its header`);
  if (entry[0] !== MAGIC_0 || entry[1] !== MAGIC_1) throw new CorruptEntryError('bad_magic', 'entry does not start with the prewarm magic');
  if (entry[2] !== ENVELOPE_VERSION) throw new CorruptEntryError('unknown_version', `entry has unknown format version ${entry[2]}`);
  return {
    layoutId: entry[3]!,
    codecId: entry[4]!,
    createdAt: entry.readDoubleBE(10),
    watermark: entry.readDoubleBE(18),
    rawLength: entry.readUInt32BE(26),
  };
}

/** Header and payload of a stored entry, checksum verified; a CorruptEntryError otherwise. */
export function decodeEnvelope(entry: Buffer): { header: EnvelopeHeader; payload: Buffer } {
  const header = readHeader(entry);
  const payload = entry.subarray(HEADER_BYTES);
  if (crc32(payload) !== entry.readUInt32BE(6)) throw new CorruptEntryError('checksum', 'entry checksum does not match its payload');
  return { header, payload };
}
