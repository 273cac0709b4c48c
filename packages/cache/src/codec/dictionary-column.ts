import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { UnencodableValueError } from './errors.js';
import { readStrings, writeStrings } from './string-block.js';

/**
 * A column of repeated strings (store id, channel, status): the distinct values once, then one
 * index a row — no bytes at all for a single value, one byte for up to 256, varints beyond.
 * With `allowed`, values outside it are refused when writing and reading.
 */
export function writeDictionary(
  writer: ByteWriter,
  codec: string,
  field: string,
  values: readonly string[],
  allowed?: ReadonlySet<string>,
): void {
  const indexOf = new Map<string, number>();
  const dictionary: string[] = [];
  const indexes = new Uint32Array(values.length);
  let last: string | undefined;
  let lastIndex = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === last) {
      indexes[i] = lastIndex; // runs are common: one store a chunk, many completed orders
      continue;
    }
    let index = indexOf.get(value);
    if (index === undefined) {
      if (typeof value !== 'string') throw new UnencodableValueError(codec, `${field} is a ${typeof value}, not a string`);
      if (allowed !== undefined && !allowed.has(value)) throw new UnencodableValueError(codec, `${field} ${JSON.stringify(value)} is not allowed`);
      index = dictionary.length;
      dictionary.push(value);
      indexOf.set(value, index);
    }
    indexes[i] = index;
    last = value;
    lastIndex = index;
  }
  writer.uvarint(dictionary.length);
  writeStrings(writer, dictionary);
  if (dictionary.length <= 1) return;
  if (dictionary.length <= 256) writer.raw(Uint8Array.from(indexes));
  else writer.uvarints(indexes);
}

/** A decoded dictionary column: row `i` holds `dictionary[indexes[i]]`. */
export interface DictionaryColumn {
  dictionary: string[];
  indexes: Uint8Array | Float64Array;
}

export function readDictionary(reader: ByteReader, field: string, count: number, allowed?: ReadonlySet<string>): DictionaryColumn {
  const size = reader.count(1);
  if (size === 0 && count > 0) throw reader.corrupt(`empty ${field} dictionary for ${count} rows`);
  const dictionary = readStrings(reader, size);
  if (allowed !== undefined) {
    for (const value of dictionary) if (!allowed.has(value)) throw reader.corrupt(`${field} ${JSON.stringify(value)} is not allowed`);
  }
  if (size <= 1) return { dictionary, indexes: new Uint8Array(count) };
  const indexes = size <= 256 ? reader.raw(count) : reader.uvarints(count);
  for (const index of indexes) {
    if (index >= size) throw reader.corrupt(`${field} index ${index} outside a dictionary of ${size}`);
  }
  return { dictionary, indexes };
}
