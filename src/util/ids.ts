import { createHash, randomFillSync } from 'node:crypto';

/** RFC 3261 §8.1.1.7 magic cookie: branches created by RFC 3261 elements start with it. */
export const BRANCH_COOKIE = 'z9hG4bK';

/**
 * Cryptographically random bytes, drawn from a pool refilled 4 KiB at a time: one getrandom call serves hundreds of
 * identifiers instead of one call (and one allocation) each — identifiers are made several times per call.
 */
const POOL = Buffer.allocUnsafe(4096);
let poolPos = POOL.length;

function hex(bytes: number): string {
  if (poolPos + bytes > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  const s = POOL.toString('hex', poolPos, poolPos + bytes);
  poolPos += bytes;
  return s;
}

/** A new Via branch: the magic cookie plus 96 random bits (RFC 3261 §8.1.1.7: unique across space and time). */
export function newBranch(): string {
  return BRANCH_COOKIE + hex(12);
}

/** A new From/To tag: 64 random bits (RFC 3261 §19.3 asks for at least 32). */
export function newTag(): string {
  return hex(8);
}

/** A new Call-ID: 128 random bits, with no host part so that nothing of our topology leaks. */
export function newCallId(): string {
  return hex(16);
}

/** A stable, colon-free identifier derived from arbitrary text (used for BullMQ job ids). */
export function hashId(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
