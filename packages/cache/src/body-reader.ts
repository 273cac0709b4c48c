import type { Level } from '@prewarm/redis';
import type { AccessScope, RecordRead, Tier } from './access-log.js';
import { type EntryCodec, bodyEncoding, jsonBody } from './entry-codec.js';
import type { Computed } from './entry-store.js';
import { decodeEnvelope } from './envelope.js';
import type { Body, MemoryTier } from './memory-tier.js';
import type { Fetched, ReadThrough } from './read-through.js';
import { type TtlPolicy, isStale } from './ttl.js';

export interface BodyResult {
  body: Body;
  hit: boolean;
  tier: Tier;
}

export interface BodyReaderParts {
  memory: MemoryTier;
  reads: ReadThrough;
  ttl: Record<Level, TtlPolicy>;
  recordRead: RecordRead;
}

/**
 * The HTTP body path: a read that answers with the stored payload as a JSON body when the
 * level's codec keeps JSON (gzip or plain). A hit costs one GET and a checksum — no
 * decompression, no JSON parse — and the body is kept in L4 as it is (a decoded read of it
 * decodes it once). Any other codec falls back to the JSON of the decoded value.
 */
export class BodyReader {
  constructor(private readonly parts: BodyReaderParts) {}

  async read<T>(level: Level, key: string, codec: EntryCodec<T>, scope: AccessScope, compute: () => Promise<Computed<T>>): Promise<BodyResult> {
    const { reads, memory, recordRead } = this.parts;
    const started = performance.now();
    const held = reads.held(level, key);
    if (held) {
      recordRead(level, scope, true, 'l4', started);
      return { body: held.body ?? jsonBody(held.value), hit: true, tier: 'l4' };
    }
    const found = await reads.fetch(level, key, codec, compute, this.takeStored, reads.joinMarker(scope));
    recordRead(level, scope, found.hit, found.tier, started);
    // A decoded or computed entry: the body L4 keeps for it (its stored payload), else its JSON.
    const body = found.body ?? memory.get(key)?.body ?? jsonBody(found.value);
    return { body, hit: found.hit, tier: found.tier };
  }

  /** A fresh entry whose payload is a body, checksum verified, kept in L4 as it is. */
  private readonly takeStored = (level: Level, key: string, raw: Buffer): Fetched | null => {
    try {
      const { header, payload } = decodeEnvelope(raw);
      const encoding = bodyEncoding(header);
      if (!encoding || isStale(this.parts.ttl[level], header.createdAt)) return null;
      const body = { bytes: payload, encoding };
      this.parts.memory.set(key, { value: undefined, body, storedBytes: raw.length, sizeBytes: header.rawLength * 2 + body.bytes.length + 64, createdAt: header.createdAt, watermark: header.watermark });
      return { body, hit: true, tier: 'redis' };
    } catch {
      return null; // the decoder meets it again, and drops and counts it
    }
  };
}
