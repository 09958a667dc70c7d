/**
 * The `tandem media-auth …` commands as pure functions: they return the text to print or throw a typed error whose
 * one-line message says what is wrong. The CLI (src/cli/) wires them to argv, stdout and the clock.
 *
 * - `tandem media-auth issue --key HEX --called NUMBER [--ttl SECONDS]` → the token
 * - `tandem media-auth verify --key HEX --called NUMBER TOKEN` → `valid until <ISO time>`
 *
 * @packageDocumentation
 */
import { TandemError } from '../errors/tandem-error.js';
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS } from '../config/media-auth-schema.js';
import { MediaAuthError, issueToken, parseKey, verifyToken } from './media-authorization.js';

/** Options of `media-auth issue`. */
export interface MediaAuthIssueOptions {
  /** --key: hex, at least 32 digits. */
  readonly key: string;
  /** --called */
  readonly called: string;
  /** --ttl: seconds (number, or the argv string); default {@link DEFAULT_TTL_SECONDS}. */
  readonly ttl?: number | string | undefined;
  /** Wall-clock ms since the epoch (the CLI passes Date.now()). */
  readonly now: number;
}

/** Options of `media-auth verify`. */
export interface MediaAuthVerifyOptions {
  readonly key: string;
  readonly called: string;
  /** The positional TOKEN. */
  readonly token: string;
  readonly now: number;
}

function parseTtl(ttl: number | string | undefined): number {
  if (ttl === undefined) return DEFAULT_TTL_SECONDS;
  const n = typeof ttl === 'number' ? ttl : /^\s*\d{1,7}\s*$/.test(ttl) ? Number(ttl) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TTL_SECONDS) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `--ttl must be a number of seconds 1-${MAX_TTL_SECONDS} (got '${String(ttl)}')`);
  }
  return n;
}

/**
 * `tandem media-auth issue`.
 * @returns the token (hex).
 * @throws MediaAuthKeyError for a bad key; TandemError TANDEM_ERR_INVALID_ARGUMENT for a bad number or ttl.
 */
export function mediaAuthIssue(options: MediaAuthIssueOptions): string {
  const key = parseKey(options.key);
  return issueToken({ key, called: options.called, ttlSeconds: parseTtl(options.ttl), now: options.now });
}

/**
 * `tandem media-auth verify`.
 * @returns `valid until 2025-01-01T00:05:00.000Z`.
 * @throws MediaAuthError (TANDEM_ERR_MEDIA_AUTH, `reason` set) whose message says why the token is not valid, e.g.
 *   `token expired 37 s ago (at …)`; MediaAuthKeyError for a bad key.
 */
export function mediaAuthVerify(options: MediaAuthVerifyOptions): string {
  const key = parseKey(options.key);
  const r = verifyToken({ key, called: options.called, token: options.token, now: options.now });
  if (!r.ok) throw new MediaAuthError(r.reason, r.text);
  return `valid until ${new Date(r.expiresAt).toISOString()}`;
}
