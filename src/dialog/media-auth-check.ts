/**
 * P-Media-Authorization at the edge of a leg (RFC 3313): check the tokens of a request from a `require` trunk, make
 * the header for a message toward an `issue` trunk, and strip the header from whatever is relayed so that tokens
 * never cross legs. The token format and verification are the pure policy's (`policy/media-authorization.ts`).
 *
 * The call layer calls {@link checkInbound} for an INVITE (initial or re-INVITE) and for an UPDATE or PRACK that
 * carries an offer, from a trunk in `require` mode — the requests that may carry the header (RFC 3313 §5.1 table);
 * {@link tokenHeaderFor} for the INVITE toward an `issue` trunk and the 18x/2xx toward a caller on one; and
 * {@link stripTokens} on every header set it copies from one leg to the other.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3313
 * @packageDocumentation
 */
import { TandemError } from '../errors/tandem-error.js';
import { DEFAULT_TTL_SECONDS } from '../config/media-auth-schema.js';
import type { MediaAuthorizationConfig } from '../config/media-auth-schema.js';
import type { MediaAuthFailureReason } from '../policy/media-authorization.js';
import { checkRequestTokens, issueToken, parseKey } from '../policy/media-authorization.js';
import type { HeaderField, HeaderList } from '../sip/header-list.js';
import { canonicalHeaderName } from '../sip/headers/registry.js';
import { serializeWarningValue } from '../sip/headers/warning.js';

/** The header this module reads, writes and strips. */
export const P_MEDIA_AUTHORIZATION = 'P-Media-Authorization';

/** RFC 3261 §20.43: "399 Miscellaneous warning: The warning text can include arbitrary information". */
export const WARN_CODE_MISC = 399;

/** Warn-agent when none is given (RFC 3261 §20.43: "the name or pseudonym of the server adding the Warning"). */
export const DEFAULT_WARN_AGENT = 'tandem';

/** What the warn-text starts with, per failure: says which check failed. */
const FAILURE_TEXT: Readonly<Record<MediaAuthFailureReason, string>> = {
  missing: 'media authorization token missing',
  malformed: 'media authorization token malformed',
  'unsupported-version': 'media authorization token malformed (unsupported version)',
  forged: 'media authorization token forged',
  expired: 'media authorization token expired',
  'other-number': 'media authorization token for another number',
};

/** A key as configured (hex) or already read. */
export type MediaAuthKey = string | Uint8Array;

/** Inputs of {@link checkInbound}. */
export interface InboundCheck {
  readonly mode: MediaAuthorizationConfig['mode'];
  /** The trunk key; required in `require` mode (the config loader checked it). */
  readonly key?: MediaAuthKey | undefined;
  /** The called number of the request (as dialled). */
  readonly called: string;
  readonly headers: HeaderList;
  /** Wall-clock ms since the epoch (Clock.wallNow()). */
  readonly now: number;
  /** Warn-agent for the Warning value; default {@link DEFAULT_WARN_AGENT}. */
  readonly warnAgent?: string | undefined;
}

/** The request passes: relay it (after {@link stripTokens}). */
export interface InboundAccepted {
  readonly ok: true;
}

/** The request is refused: answer 403 with `headers` and create no outbound leg. */
export interface InboundRejected {
  readonly ok: false;
  /** RFC 3261 §21.4.4 403 Forbidden: "Authorization will not help". */
  readonly status: 403;
  /** Which check failed. */
  readonly reason: MediaAuthFailureReason;
  /** One line for logs and the warn-text: `media authorization token expired: token expired 37 s ago (…)`. */
  readonly text: string;
  /** The Warning value (RFC 3261 §20.43): `399 tandem "media authorization token expired: …"`. */
  readonly warning: string;
  /** Header lines to add to the 403: the Warning. */
  readonly headers: readonly HeaderField[];
}

/** Outcome of {@link checkInbound}. */
export type InboundResult = InboundAccepted | InboundRejected;

const keyBytes = (key: MediaAuthKey | undefined, mode: string): Uint8Array => {
  if (key === undefined) throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `media authorization mode ${mode} needs a key`);
  return typeof key === 'string' ? parseKey(key) : key;
};

/**
 * Checks the P-Media-Authorization tokens of a request from a trunk. Only `require` checks; `off` and `issue` accept.
 * Valid when any token verifies for `called` (RFC 3313 §5.1 allows several, on one line or several); a header that is
 * present but empty or not `1*HEXDIG` is `malformed`, none at all is `missing`.
 *
 * @throws MediaAuthKeyError / TandemError TANDEM_ERR_INVALID_ARGUMENT for a missing or unusable key (a configuration
 *   error the loader rejects first).
 */
export function checkInbound(args: InboundCheck): InboundResult {
  if (args.mode !== 'require') return { ok: true };
  const key = keyBytes(args.key, args.mode);
  const lines = args.headers.getAllRaw(P_MEDIA_AUTHORIZATION);
  // RFC 3313 §5.1: P-Media-Authorization-Token = 1*HEXDIG, comma separated. Each piece goes to the verifier as
  // written (a non-hex piece comes back `malformed`), so one bad token does not hide a good one.
  const tokens = lines.flatMap((l) => l.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  const result =
    tokens.length === 0 && lines.length > 0
      ? ({ ok: false, reason: 'malformed', text: 'P-Media-Authorization is empty (RFC 3313 §5.1: 1*HEXDIG)' } as const)
      : checkRequestTokens(tokens, { key, called: args.called, now: args.now });
  if (result.ok) return { ok: true };
  const text = `${FAILURE_TEXT[result.reason]}: ${result.text}`;
  const warning = serializeWarningValue({ code: WARN_CODE_MISC, agent: args.warnAgent ?? DEFAULT_WARN_AGENT, text });
  return { ok: false, status: 403, reason: result.reason, text, warning, headers: [{ name: 'Warning', value: warning }] };
}

/** Inputs of {@link tokenHeaderFor}. */
export interface TokenIssue {
  readonly mode: MediaAuthorizationConfig['mode'];
  readonly key?: MediaAuthKey | undefined;
  /** The called number of the call (the token is bound to it). */
  readonly called: string;
  /** Token lifetime in seconds; default {@link DEFAULT_TTL_SECONDS}. */
  readonly ttl?: number | undefined;
  /** Wall-clock ms since the epoch (Clock.wallNow()). */
  readonly now: number;
}

/**
 * The P-Media-Authorization line for a message toward a trunk in `issue` mode — the INVITE toward it, or an 18x/2xx
 * toward a caller on it (RFC 3313 §5.1: 18x and the 2xx toward the UAC, the INVITE toward the UAS) — with a fresh
 * token for the call; undefined in `off` and `require` mode.
 *
 * @throws TandemError TANDEM_ERR_INVALID_ARGUMENT when `called` is not a telephone number (no token can bind to it)
 *   or the key is missing; MediaAuthKeyError for an unusable key.
 */
export function tokenHeaderFor(args: TokenIssue): HeaderField | undefined {
  if (args.mode !== 'issue') return undefined;
  const token = issueToken({ key: keyBytes(args.key, args.mode), called: args.called, ttlSeconds: args.ttl ?? DEFAULT_TTL_SECONDS, now: args.now });
  return { name: P_MEDIA_AUTHORIZATION, value: token };
}

/**
 * Removes every P-Media-Authorization line (any spelling) from header lines relayed from one leg to the other.
 * RFC 3313 §6: the header is for a trusted domain only; a token is bound to one leg's policy, so Tandem never
 * forwards it (standards.md §4 [INF]: "strip it on egress and never copy it leg-to-leg").
 */
export function stripTokens(fields: readonly HeaderField[]): HeaderField[] {
  return fields.filter((f) => canonicalHeaderName(f.name) !== P_MEDIA_AUTHORIZATION);
}
