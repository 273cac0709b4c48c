import { Packr } from 'msgpackr';
import { CorruptPayloadError, UnencodableValueError } from './errors.js';
import { LAYOUT_IDS, type Layout } from './layout.js';

const packr = new Packr({ useRecords: true, mapsAsObjects: true, variableMapSize: true });

/**
 * MessagePack via msgpackr, with its record extension (an object shape is written once, then
 * only values): the row-oriented binary comparison in the codec benchmark. Self-describing
 * (no shared structures), so any process can read it. Not exact for every value: `-0` reads
 * back as `0`, and msgpackr writes lone surrogates in strings as U+FFFD.
 */
export const msgpackLayout: Layout<unknown> = Object.freeze({
  id: LAYOUT_IDS['msgpack-rows'],
  name: 'msgpack-rows',
  encode(value: unknown): Uint8Array {
    try {
      return packr.pack(value);
    } catch (error) {
      throw new UnencodableValueError('msgpack-rows', error instanceof Error ? error.message : String(error), { cause: error });
    }
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return packr.unpack(bytes) as unknown; // throws on truncation and on trailing bytes
    } catch (error) {
      throw new CorruptPayloadError('msgpack-rows', error instanceof Error ? error.message : String(error), { cause: error });
    }
  },
});
