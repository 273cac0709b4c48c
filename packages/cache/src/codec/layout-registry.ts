import { columnarOrdersLayout } from './columnar-orders-layout.js';
import { UnknownCodecError } from './errors.js';
import { jsonLayout } from './json-layout.js';
import type { Layout } from './layout.js';
import { msgpackLayout } from './msgpack-layout.js';

const LAYOUTS: readonly Layout<unknown>[] = [jsonLayout, msgpackLayout, columnarOrdersLayout as Layout<unknown>];
const BY_ID: ReadonlyMap<number, Layout<unknown>> = new Map(LAYOUTS.map((l) => [l.id, l]));
const BY_NAME: ReadonlyMap<string, Layout<unknown>> = new Map(LAYOUTS.map((l) => [l.name, l]));

/** The layout of a stored id; throws `UnknownCodecError` (a cache miss) for any other. */
export function layoutById(id: number): Layout<unknown> {
  const layout = BY_ID.get(id);
  if (layout === undefined) throw new UnknownCodecError('layout', id);
  return layout;
}

export function layoutByName(name: string): Layout<unknown> {
  const layout = BY_NAME.get(name);
  if (layout === undefined) throw new UnknownCodecError('layout', name);
  return layout;
}
