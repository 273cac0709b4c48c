import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

const UTF8 = 0;
const UTF16LE = 1;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Writes strings as their lengths (UTF-16 code units) and one concatenated text block: UTF-8
 * when the concatenation is well-formed Unicode, else UTF-16LE, so any JS string (lone
 * surrogates included) comes back exactly.
 */
export function writeStrings(writer: ByteWriter, strings: readonly string[]): void {
  const joined = strings.join('');
  const wellFormed = !LONE_SURROGATE.test(joined);
  writer.u8(wellFormed ? UTF8 : UTF16LE);
  for (const s of strings) writer.uvarint(s.length);
  const block = Buffer.from(joined, wellFormed ? 'utf8' : 'utf16le');
  writer.uvarint(block.length);
  writer.raw(block);
}

/** Reads `count` strings written by `writeStrings`. */
export function readStrings(reader: ByteReader, count: number): string[] {
  const encoding = reader.u8();
  if (encoding !== UTF8 && encoding !== UTF16LE) throw reader.corrupt(`unknown text encoding ${encoding}`);
  const lengths = reader.uvarints(count);
  let total = 0;
  for (const n of lengths) total += n;
  const bytes = reader.raw(reader.count(1));
  let joined: string;
  if (encoding === UTF8) {
    try {
      joined = utf8.decode(bytes);
    } catch {
      throw reader.corrupt('invalid UTF-8 text');
    }
  } else {
    if (bytes.length % 2 !== 0) throw reader.corrupt('odd UTF-16 byte length');
    joined = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf16le');
  }
  if (joined.length !== total) throw reader.corrupt(`text of ${joined.length} code units, lengths sum to ${total}`);
  const out = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = at + lengths[i]!;
    out[i] = joined.slice(at, end);
    at = end;
  }
  return out;
}
