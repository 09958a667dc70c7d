/**
 * The per-trunk `sessionTimer` setting (RFC 4028), part of the configuration schema (STYLE.md P12). The decisions
 * that use it are in `policy/session-timer.ts`; the loader fills the defaults (`sessionTimerOf`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc4028
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** RFC 4028 §4/§5: "The absolute minimum for the Session-Expires header field is 90 seconds"; Min-SE default. */
export const ABSOLUTE_MIN_SE = 90;

/** RFC 4028 §4: "1800 seconds (30 minutes) is RECOMMENDED as the value for the Session-Expires header field". */
export const RECOMMENDED_SESSION_EXPIRES = 1800;

/** Most seconds a trunk may configure (one day): keeps every delay well inside setTimeout's 2^31−1 ms. */
export const MAX_CONFIGURED_INTERVAL = 86_400;

const Interval = (def: number, description: string) =>
  Type.Integer({ minimum: ABSOLUTE_MIN_SE, maximum: MAX_CONFIGURED_INTERVAL, default: def, description });

/** The per-trunk settings when session timers are on. */
export const SessionTimerSettingsSchema = Type.Object(
  {
    /** Session-Expires Tandem asks for as UAC, and the largest it accepts as UAS (it reduces larger requests, §9). */
    expires: Interval(RECOMMENDED_SESSION_EXPIRES, 'Session-Expires in seconds (RFC 4028 §4 recommends 1800)'),
    /** Tandem's minimum timer: smaller requests with Supported: timer get 422 + Min-SE (§9). */
    minSE: Interval(ABSOLUTE_MIN_SE, 'Min-SE in seconds, at least 90 (RFC 4028 §5)'),
    /** Refresh method: UPDATE when the peer allows it (auto, §7.4 RECOMMENDED), always UPDATE, or always re-INVITE. */
    refresh: Type.Union([Type.Literal('auto'), Type.Literal('update'), Type.Literal('invite')], { default: 'auto' }),
    /**
     * Who refreshes when Tandem answers as UAS a request with Supported: timer that names no refresher (Table 2,
     * row 4: the UAS picks). 'uas' = Tandem (default), 'uac' = the caller.
     */
    defaultRefresher: Type.Union([Type.Literal('uas'), Type.Literal('uac')], { default: 'uas' }),
  },
  { additionalProperties: false },
);

/**
 * Per-trunk session-timer configuration: the settings object (every field defaulted, so `{}` means
 * `{ expires: 1800, minSE: 90, refresh: 'auto', defaultRefresher: 'uas' }`) or the string `off`.
 *
 * `off` makes Tandem a UA that does not support the extension on that trunk: no Supported: timer, no
 * Session-Expires in what it sends, 2xx without Session-Expires (which turns the peer's timer off, §7.2), and 420
 * (Unsupported: timer) to a request with Require: timer (RFC 3261 §8.2.2.3).
 */
export const SessionTimerSchema = Type.Union([Type.Literal('off'), SessionTimerSettingsSchema], { default: {} });

/** Settings of a trunk with session timers on. */
export type SessionTimerSettings = Readonly<Static<typeof SessionTimerSettingsSchema>>;
/** {@link SessionTimerSchema} as a type. */
export type SessionTimerConfig = 'off' | SessionTimerSettings;


/** Timers on with every default: 1800 s, Min-SE 90, refresh auto, Tandem refreshes where the caller lets it choose. */
export const DEFAULT_SESSION_TIMER: SessionTimerSettings = Object.freeze(Value.Default(SessionTimerSettingsSchema, {}) as SessionTimerSettings);

/**
 * The session-timer setting of a trunk: what it configured with the defaults filled, or timers on with every default
 * when it configured nothing (the built-in default turns timers on for every trunk).
 */
export function sessionTimerOf(trunk: { readonly sessionTimer?: SessionTimerConfig | undefined } | undefined): SessionTimerConfig {
  return trunk?.sessionTimer ?? DEFAULT_SESSION_TIMER;
}

/**
 * Cross-field checks the schema cannot express.
 * @returns one message per problem (empty when the config is good); the config loader adds file and path.
 */
export function sessionTimerConfigProblems(config: SessionTimerConfig): string[] {
  if (config === 'off') return [];
  const out: string[] = [];
  // RFC 4028 §7.1: "the value of the Session-Expires MUST be greater than or equal to the value in Min-SE".
  if (config.expires < config.minSE) out.push(`expires (${config.expires}) must not be less than minSE (${config.minSE}) (RFC 4028 §7.1)`);
  return out;
}
