/** The stable layout ids stored in entry envelopes. Never renumber; only append. */
export const LAYOUT_IDS = Object.freeze({ json: 1, 'msgpack-rows': 2, 'columnar-orders': 3 } as const);

export type LayoutName = keyof typeof LAYOUT_IDS;

/**
 * How a value becomes bytes (before compression). `decode` throws `CorruptPayloadError` for
 * bytes it cannot read back exactly; `encode` throws `UnencodableValueError` for values it
 * cannot represent.
 */
export interface Layout<T> {
  readonly id: number;
  readonly name: LayoutName;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}
