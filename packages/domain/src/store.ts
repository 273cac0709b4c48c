import { z } from 'zod';
import { isValidTimeZone } from './timezone.js';

export const STORE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const StoreIdSchema = z.string().regex(STORE_ID_PATTERN, 'store id must match ^[A-Za-z0-9_-]{1,64}$');

export const StoreSchema = z.object({
  store_id: StoreIdSchema,
  name: z.string().min(1, 'name must not be empty'),
  city: z.string().nullable().default(null),
  timezone: z
    .string()
    .default(DEFAULT_TIMEZONE)
    .refine(isValidTimeZone, { message: 'timezone must be an IANA time zone such as Asia/Shanghai' }),
});

export type Store = z.infer<typeof StoreSchema>;

export function isStoreId(text: string): boolean {
  return STORE_ID_PATTERN.test(text);
}

/** The canonical form of a store set: duplicates removed, sorted by code unit. */
export function canonicalStoreIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(compareCodeUnits);
}

/** Plain code-unit order, independent of locale (the order of every stable sort here). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
