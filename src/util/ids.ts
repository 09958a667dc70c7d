import { createHash, randomBytes } from 'node:crypto';

/** RFC 3261 §8.1.1.7 magic cookie: branches created by RFC 3261 elements start with it. */
export const BRANCH_COOKIE = 'z9hG4bK';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

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
