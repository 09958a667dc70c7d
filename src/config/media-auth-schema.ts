/**
 * The per-trunk `mediaAuthorization` setting (RFC 3313), part of the configuration schema (STYLE.md P12). Tokens and
 * their checks are in `policy/media-authorization.ts` (format in src/policy/README.md); the loader fills the defaults.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/** Default token lifetime, seconds. */
export const DEFAULT_TTL_SECONDS = 300;
/** Longest token lifetime, seconds (7 days). */
export const MAX_TTL_SECONDS = 604_800;

/**
 * Per-trunk P-Media-Authorization policy:
 * - `off` (default): tokens are neither required nor issued (and, at a trust boundary, not passed on);
 * - `require`: an INVITE from this trunk must carry a token that verifies with `key` for its called number;
 * - `issue`: Tandem puts a fresh token (lifetime `ttl`) on INVITEs it sends to this trunk.
 * `key` (hex, at least 32 digits = 16 bytes) is required unless mode is `off`: see {@link mediaAuthorizationConfigProblems}.
 */
export const MediaAuthorizationSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('off'), Type.Literal('require'), Type.Literal('issue')], { default: 'off' }),
    key: Type.Optional(Type.String({ pattern: '^(?:[0-9a-fA-F]{2}){16,1024}$', description: 'HMAC key as hex, at least 16 bytes' })),
    ttl: Type.Integer({ minimum: 1, maximum: MAX_TTL_SECONDS, default: DEFAULT_TTL_SECONDS, description: 'token lifetime, seconds' }),
  },
  { additionalProperties: false, default: {} },
);

/** {@link MediaAuthorizationSchema} as a type. */
export type MediaAuthorizationConfig = Readonly<Static<typeof MediaAuthorizationSchema>>;
