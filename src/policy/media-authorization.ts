/**
 * RFC 3313 P-Media-Authorization tokens in Tandem's own format, and the per-trunk policy config.
 *
 * RFC 3313 §5.1 makes a token an opaque `1*HEXDIG` (there: an RSVP policy element for the UA's QoS reservation);
 * nothing in SIP interprets it. Tandem uses the header between itself and a policy server of the same
 * administrative domain (RFC 3313 §6: trusted domains only) with this layout, all integers big-endian:
 *
 * ```
 * offset length  field
 *      0      1  version = 0x01
 *      1      4  expiry: uint32 seconds since 1970-01-01T00:00:00Z; valid while now < expiry
 *      5     16  binding: SHA-256(normalized called number, UTF-8)[0..16)
 *     21     32  HMAC-SHA256(trunk key, bytes 0..21)
 * total  53 bytes = 106 hex digits (Tandem writes lower case; either case is accepted)
 * ```
 *
 * The normalized called number is its digits with a leading `+` kept, visual separators (`-`, `.`, `(`, `)`,
 * space; RFC 3966 §5.1.1) removed; anything else makes it invalid. The key is at least 16 bytes (128 bits).
 * src/policy/README.md has a worked example.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3313
 * @packageDocumentation
 */
import { MAX_TTL_SECONDS } from '../config/media-auth-schema.js';
import type { MediaAuthorizationConfig } from '../config/media-auth-schema.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { TandemError } from '../errors/tandem-error.js';

/** The token version this Tandem writes and reads. */
export const TOKEN_VERSION = 1;
/** Bytes in a version-1 token. */
export const TOKEN_BYTES = 1 + 4 + 16 + 32;
/** Shortest key accepted: 16 bytes = 128 bits. */
export const MIN_KEY_BYTES = 16;
/** Longest key accepted (bytes); longer input is surely a mistake. */
export const MAX_KEY_BYTES = 1024;

const BINDING_BYTES = 16;
const SIGNED_BYTES = 1 + 4 + BINDING_BYTES;
const MAX_UINT32 = 0xffff_ffff;
const HEX_RE = /^[0-9a-fA-F]*$/;
/** Longest token text looked at: anything longer is malformed without further work. */
const MAX_TOKEN_CHARS = 1024;

// ---------------------------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------------------------


/**
 * Cross-field checks the schema cannot express.
 * @returns one message per problem (empty when good); the config loader adds file and path.
 */
export function mediaAuthorizationConfigProblems(config: MediaAuthorizationConfig): string[] {
  if (config.mode === 'off') return [];
  if (config.key === undefined) return [`key is required when mode is ${config.mode}`];
  try {
    parseKey(config.key);
    return [];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/** A key that cannot be used (not hex, odd length, shorter than 16 bytes). Code TANDEM_ERR_INVALID_ARGUMENT. */
export class MediaAuthKeyError extends TandemError {
  constructor(message: string) {
    super('TANDEM_ERR_INVALID_ARGUMENT', message);
  }
}

/** Why a token (or a request's tokens) did not verify. */
export type MediaAuthFailureReason = 'missing' | 'malformed' | 'forged' | 'expired' | 'other-number' | 'unsupported-version';

/** A token did not verify; `reason` says why and the message is the human text. Code TANDEM_ERR_MEDIA_AUTH. */
export class MediaAuthError extends TandemError {
  readonly reason: MediaAuthFailureReason;

  constructor(reason: MediaAuthFailureReason, text: string) {
    super('TANDEM_ERR_MEDIA_AUTH', text);
    this.reason = reason;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and numbers
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reads a hex key.
 * @throws MediaAuthKeyError when it is not an even number of hex digits, or is shorter than 16 bytes.
 */
export function parseKey(hex: string): Buffer {
  const h = hex.trim();
  if (h.length === 0) throw new MediaAuthKeyError('media authorization key is empty');
  if (!HEX_RE.test(h)) throw new MediaAuthKeyError('media authorization key must be hex digits (0-9, a-f)');
  if (h.length % 2 !== 0) throw new MediaAuthKeyError(`media authorization key has an odd number of hex digits (${h.length})`);
  const bytes = h.length / 2;
  if (bytes < MIN_KEY_BYTES) {
    throw new MediaAuthKeyError(`media authorization key is ${bytes} bytes; at least ${MIN_KEY_BYTES} bytes (${MIN_KEY_BYTES * 2} hex digits, 128 bits) are required`);
  }
  if (bytes > MAX_KEY_BYTES) throw new MediaAuthKeyError(`media authorization key is ${bytes} bytes; at most ${MAX_KEY_BYTES} are accepted`);
  return Buffer.from(h, 'hex');
}

function checkKey(key: Uint8Array): void {
  if (key.length < MIN_KEY_BYTES) {
    throw new MediaAuthKeyError(`media authorization key is ${key.length} bytes; at least ${MIN_KEY_BYTES} bytes (128 bits) are required`);
  }
}

/**
 * The called number as bound into tokens: digits, with a leading `+` kept and visual separators (`-` `.` `(` `)`
 * space) removed; null when anything else is left (letters, `*`, `#`, `;` parameters) or there are no digits.
 */
export function normalizeCalledNumber(called: string): string | null {
  const s = called.trim().replace(/[-.() ]/g, '');
  return /^\+?[0-9]{1,64}$/.test(s) ? s : null;
}

function binding(normalized: string): Buffer {
  return createHash('sha256').update(normalized, 'utf8').digest().subarray(0, BINDING_BYTES);
}

function mac(key: Uint8Array, signed: Uint8Array): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

// ---------------------------------------------------------------------------------------------------------------
// Issue and verify
// ---------------------------------------------------------------------------------------------------------------

/**
 * Makes a token for `called`, valid for `ttlSeconds` from `now`.
 *
 * @param now wall-clock ms since the epoch (Clock.wallNow()); the expiry is floor(now / 1000) + ttlSeconds.
 * @returns 106 lower-case hex digits.
 * @throws MediaAuthKeyError for a short key; TandemError TANDEM_ERR_INVALID_ARGUMENT for a bad number, ttl or time.
 */
export function issueToken(args: { readonly key: Uint8Array; readonly called: string; readonly ttlSeconds: number; readonly now: number }): string {
  checkKey(args.key);
  const number = normalizeCalledNumber(args.called);
  if (number === null) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `called number '${args.called}' is not digits with an optional leading +`);
  }
  if (!Number.isInteger(args.ttlSeconds) || args.ttlSeconds < 1 || args.ttlSeconds > MAX_TTL_SECONDS) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `ttl must be 1-${MAX_TTL_SECONDS} seconds (got ${args.ttlSeconds})`);
  }
  const expiry = Math.floor(args.now / 1000) + args.ttlSeconds;
  if (!Number.isFinite(expiry) || expiry < 0 || expiry > MAX_UINT32) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `expiry ${expiry} does not fit in 32 bits (now ${args.now})`);
  }
  const out = Buffer.alloc(TOKEN_BYTES);
  out.writeUInt8(TOKEN_VERSION, 0);
  out.writeUInt32BE(expiry, 1);
  binding(number).copy(out, 5);
  mac(args.key, out.subarray(0, SIGNED_BYTES)).copy(out, SIGNED_BYTES);
  return out.toString('hex');
}

/** Outcome of a verification. */
export type VerifyResult =
  | { readonly ok: true; /** ms since the epoch at which the token stops being valid. */ readonly expiresAt: number }
  | { readonly ok: false; readonly reason: MediaAuthFailureReason; /** One line for logs and the CLI. */ readonly text: string };

/** Inputs of {@link verifyToken} besides the token. */
export interface VerifyContext {
  readonly key: Uint8Array;
  /** The request's called number (as dialled; normalized here). */
  readonly called: string;
  /** Wall-clock ms since the epoch. */
  readonly now: number;
}

const fail = (reason: MediaAuthFailureReason, text: string): VerifyResult => ({ ok: false, reason, text });

/**
 * Checks one token. The steps, each one's failure more specific than the one before: hex and length (`malformed`),
 * version (`unsupported-version`), HMAC with crypto.timingSafeEqual (`forged`), called-number binding
 * (`other-number`), expiry (`expired`). A token for the wrong number or an expired one is reported as such only
 * once its HMAC proved it came from the key holder.
 *
 * @throws MediaAuthKeyError for a short key (a configuration error, not a verdict on the token).
 */
export function verifyToken(args: VerifyContext & { readonly token: string | undefined }): VerifyResult {
  checkKey(args.key);
  const token = args.token?.trim() ?? '';
  if (token === '') return fail('missing', 'no P-Media-Authorization token');
  if (token.length > MAX_TOKEN_CHARS) return fail('malformed', `token is ${token.length} hex digits; a version-${TOKEN_VERSION} token has ${TOKEN_BYTES * 2}`);
  if (!HEX_RE.test(token)) return fail('malformed', 'token is not hex (RFC 3313 §5.1: 1*HEXDIG)');
  if (token.length % 2 !== 0) return fail('malformed', `token has an odd number of hex digits (${token.length})`);
  const bytes = Buffer.from(token, 'hex');
  const version = bytes[0] ?? 0;
  if (version !== TOKEN_VERSION) return fail('unsupported-version', `token version ${version} is not supported (this Tandem reads version ${TOKEN_VERSION})`);
  if (bytes.length !== TOKEN_BYTES) return fail('malformed', `token is ${bytes.length} bytes; a version-${TOKEN_VERSION} token has ${TOKEN_BYTES}`);

  const signed = bytes.subarray(0, SIGNED_BYTES);
  // Constant-time comparison: the time taken must not tell a forger how many leading MAC bytes were right.
  if (!timingSafeEqual(mac(args.key, signed), bytes.subarray(SIGNED_BYTES))) {
    return fail('forged', 'token signature does not match the trunk key');
  }
  const number = normalizeCalledNumber(args.called);
  if (number === null || !timingSafeEqual(binding(number), bytes.subarray(5, SIGNED_BYTES))) {
    return fail('other-number', number === null ? `called number '${args.called}' is not a telephone number, so no token can be for it` : `token was issued for another called number than ${number}`);
  }
  const expiresAt = bytes.readUInt32BE(1) * 1000;
  if (args.now >= expiresAt) {
    return fail('expired', `token expired ${Math.floor((args.now - expiresAt) / 1000)} s ago (at ${new Date(expiresAt).toISOString()})`);
  }
  return { ok: true, expiresAt };
}

/** Specificity of a failure: the later the verification step, the more it says. */
const SPECIFICITY: Readonly<Record<MediaAuthFailureReason, number>> = {
  missing: 0,
  malformed: 1,
  'unsupported-version': 2,
  forged: 3,
  'other-number': 4,
  expired: 5,
};

/**
 * Checks every P-Media-Authorization token of a request (RFC 3313 §5.1 allows several; a UA "uses all tokens of the
 * most recent message"). Valid when ANY token verifies (the first such is reported); otherwise the most specific
 * failure (see {@link verifyToken}), the earliest token on a tie. No tokens → `missing`.
 */
export function checkRequestTokens(tokens: readonly string[], context: VerifyContext): VerifyResult {
  let worst: VerifyResult | null = null;
  for (const token of tokens) {
    const r = verifyToken({ ...context, token });
    if (r.ok) return r;
    if (worst === null || (!worst.ok && SPECIFICITY[r.reason] > SPECIFICITY[worst.reason])) worst = r;
  }
  return worst ?? verifyToken({ ...context, token: undefined });
}
