import type { Order } from '@prewarm/domain';
import { CorruptPayloadError, UnencodableValueError } from './errors.js';
import { LAYOUT_IDS, type Layout } from './layout.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 JSON, for L2 daily metrics and L3 diagnoses. Gzip-compressed, the stored bytes are a
 * valid `Content-Encoding: gzip` HTTP body as they are. Only JSON values round-trip: no
 * `undefined`, `NaN`, `Infinity`, `-0`, `Map` or class instances (they come back as JSON has them).
 * `decode` does not check the shape: the caller owns the type.
 */
export const jsonLayout: Layout<unknown> = Object.freeze({
  id: LAYOUT_IDS.json,
  name: 'json',
  encode(value: unknown): Uint8Array {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new UnencodableValueError('json', `${typeof value} is not a JSON value`);
    return Buffer.from(text, 'utf8');
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return JSON.parse(utf8.decode(bytes)) as unknown;
    } catch (error) {
      throw new CorruptPayloadError('json', error instanceof Error ? error.message : String(error), { cause: error });
    }
  },
});

/** `jsonLayout` typed for an `Order[]` chunk: the row-JSON baseline of the codec benchmark. */
export function jsonLayoutOf<T>(): Layout<T> {
  return jsonLayout as Layout<T>;
}

export const rowJsonLayout: Layout<Order[]> = jsonLayoutOf<Order[]>();
