/**
 * RFC 4028 session timers as pure decisions (STYLE.md §1 `policy/`: (request, config) → verdict). Nothing here reads
 * a clock, arms a timer or sends a message: `dialog/session-refresh.ts` runs the verdicts.
 *
 * A B2BUA is a UAS glued to a UAC (RFC 3261 §6, RFC 7092), so the UA rules apply to each leg on its own
 * (standards.md §3 "B2BUA expectations"):
 *
 * - inbound leg, Tandem is the UAS (§9): {@link negotiateAsUas}; a peer's refresh in a confirmed dialog:
 *   {@link answerRefresh};
 * - outbound leg, Tandem is the UAC (§7): {@link initialRequestTimer}, {@link retryAfter422}, {@link timerFrom2xx};
 * - both legs (§7.4, §10): {@link buildRefreshRequest}, {@link onRefreshFailure}, {@link onSessionExpired},
 *   {@link refreshDelayMs}, {@link expiryDelayMs}.
 *
 * `refresher` values ('uac' | 'uas') are always relative to the transaction they appeared in: in a refresh request
 * Tandem sends, 'uac' means Tandem.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4028
 * @packageDocumentation
 */
import { ABSOLUTE_MIN_SE } from '../config/session-timer-schema.js';
import type { SessionTimerConfig, SessionTimerSettings } from '../config/session-timer-schema.js';
import { TandemError } from '../errors/tandem-error.js';
import type { SessionExpires } from '../sip/headers/header-types.js';
import { NO_PARAMS } from '../sip/params.js';

/** RFC 4028 §12.3 option tag. */
export const TIMER_OPTION_TAG = 'timer';

/**
 * Q.850 cause for a call torn down by the session timer: 102 "recovery on timer expiry". No standard names one;
 * standards.md §9 proposes 102 by analogy with 408 → 102 [INF].
 */
export const SESSION_TIMER_CAUSE = 102;


/** 'uac' or 'uas': who refreshes, relative to the transaction the Session-Expires appeared in. */
export type Refresher = 'uac' | 'uas';

/**
 * Session-timer state of one dialog (one leg), from the most recent 2xx to a session refresh request (§7.2, §9).
 * Offsets count from that 2xx: its reception (Tandem was UAC) or transmission (Tandem was UAS).
 */
export interface SessionTimerState {
  /** Session interval in seconds (delta-seconds of the 2xx's Session-Expires). */
  readonly interval: number;
  /** The refresher parameter of that 2xx. */
  readonly refresher: Refresher;
  /** True when Tandem sends the refreshes on this leg. */
  readonly weAreRefresher: boolean;
  /**
   * Min-SE to put into Tandem's refresh requests on this dialog (§7.4: the largest from 422s and from requests
   * received on it), or null to omit it.
   */
  readonly minSE: number | null;
  /** When Tandem sends its refresh (interval/2, §7.2 and §9 RECOMMENDED), ms; null when the peer refreshes. */
  readonly refreshAtMs: number | null;
  /**
   * When Tandem ends the session with BYE unless a 2xx to a refresh arrived first, ms: the session expiration
   * (interval) when Tandem refreshes, interval − min(32 s, interval/3) when the peer does (§10).
   */
  readonly expireAtMs: number;
}

/**
 * Builds the state for a session interval and refresher.
 *
 * @throws TandemError TANDEM_ERR_INVALID_ARGUMENT when interval is not a positive integer.
 */
export function sessionTimerState(args: {
  readonly interval: number;
  readonly refresher: Refresher;
  readonly weAreRefresher: boolean;
  readonly minSE?: number | null;
}): SessionTimerState {
  const { interval, refresher, weAreRefresher } = args;
  if (!Number.isInteger(interval) || interval <= 0) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `session interval must be a positive integer of seconds, not ${interval}`);
  }
  const ms = interval * 1000;
  return Object.freeze({
    interval,
    refresher,
    weAreRefresher,
    minSE: args.minSE ?? null,
    // RFC 4028 §7.2/§9: "It is RECOMMENDED that this refresh be sent once half the session interval has elapsed."
    refreshAtMs: weAreRefresher ? Math.floor(ms / 2) : null,
    // RFC 4028 §10: the side not refreshing "SHOULD send a BYE to terminate the session, slightly before the session
    // expiration. The minimum of 32 seconds and one third of the session interval is RECOMMENDED."
    // The refresher's own deadline is the session expiration itself (§7.2: "MUST generate a refresh before the
    // session expiration"; §10: only a 2xx moves it).
    expireAtMs: weAreRefresher ? ms : Math.floor(ms - Math.min(32_000, ms / 3)),
  });
}

/**
 * Milliseconds until Tandem sends its refresh, or null when the peer refreshes.
 * @param elapsedMs time already passed since the 2xx the state came from.
 */
export function refreshDelayMs(state: SessionTimerState, elapsedMs = 0): number | null {
  return state.refreshAtMs === null ? null : Math.max(0, state.refreshAtMs - elapsedMs);
}

/**
 * Milliseconds until Tandem sends BYE for an unrefreshed session (§10).
 * @param elapsedMs time already passed since the 2xx the state came from.
 */
export function expiryDelayMs(state: SessionTimerState, elapsedMs = 0): number {
  return Math.max(0, state.expireAtMs - elapsedMs);
}

// ---------------------------------------------------------------------------------------------------------------
// Tandem as UAS (RFC 4028 §9)
// ---------------------------------------------------------------------------------------------------------------

/** What policy needs from an INVITE or UPDATE (not the message itself). */
export interface SessionTimerRequest {
  readonly sessionExpires?: SessionExpires;
  readonly minSE?: number;
  /** Supported contains `timer`: by §9 the only sign that the UAC supports the extension. */
  readonly supportsTimer: boolean;
  /** Require contains `timer`. */
  readonly requiresTimer: boolean;
  /** A re-INVITE/UPDATE inside a confirmed dialog (false for the initial INVITE). */
  readonly isRefresh: boolean;
}

/** Answer with 422 Session Interval Too Small carrying Min-SE (§6, §9). */
export interface Reject422Verdict {
  readonly action: 'reject';
  readonly status: 422;
  readonly minSE: number;
  /** Why, citing the rule (for logs). */
  readonly reason: string;
}

/** Answer with 420 Bad Extension, Unsupported: timer (RFC 3261 §8.2.2.3): trunk has timers off. */
export interface Reject420Verdict {
  readonly action: 'reject';
  readonly status: 420;
  readonly unsupported: readonly string[];
  readonly reason: string;
}

/** Accept; put these headers on the 2xx and run `timer` (null: no session expiration on this dialog). */
export interface AcceptVerdict {
  readonly action: 'accept';
  /** Session-Expires for the 2xx (always with `refresher`), or null for none. */
  readonly sessionExpires: SessionExpires | null;
  /** Add `timer` to Require in the 2xx. */
  readonly requireTimer: boolean;
  /** Add `timer` to Supported in the 2xx. */
  readonly supportedTimer: boolean;
  readonly timer: SessionTimerState | null;
  readonly reason: string;
}

/** The UAS verdict. */
export type UasSessionTimerVerdict = Reject422Verdict | Reject420Verdict | AcceptVerdict;

function noTimer(config: SessionTimerConfig, reason: string): AcceptVerdict {
  return { action: 'accept', sessionExpires: null, requireTimer: false, supportedTimer: config !== 'off', timer: null, reason };
}

const maxOf = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined ? (b ?? null) : b === null || b === undefined ? a : Math.max(a, b);

/**
 * Tandem answers an INVITE or UPDATE as UAS (RFC 4028 §9, Table 2), initial or refresh.
 *
 * Decisions beyond the MUSTs:
 * - the UAC supports timer and names no refresher (Table 2 row 4, "uas or uac"): `config.defaultRefresher`,
 *   'uas' by default: Tandem refreshes, so the leg never depends on a peer's refresh implementation, and the
 *   refresh doubles as a liveness probe. Never "none" (peers.md #6);
 * - Session-Expires below Tandem's minimum without Supported: timer: a 422 is not allowed and the UAS "MUST NOT
 *   increase" the value (§9: raising is a proxy's move, §8.1), so Tandem answers without a timer
 *   (standards.md §3 oracle [INF]);
 * - a request without Session-Expires while the trunk has timers on: Tandem imposes its own `expires` (§9 "The UAS
 *   may request a session timer in the 2XX response"; Table 2 row 1 when the UAC does not support);
 * - a value above `config.expires` is reduced to it (§9 "MAY reduce"), never below the request's Min-SE.
 *
 * @param current the dialog's state, used when `request.isRefresh` (keeps the interval when the request names
 *   none, and the Min-SE history of §7.4).
 */
export function negotiateAsUas(
  request: SessionTimerRequest,
  config: SessionTimerConfig,
  current: SessionTimerState | null = null,
): UasSessionTimerVerdict {
  if (config === 'off') {
    // RFC 3261 §8.2.2.3: a UAS that does not understand an option tag in Require MUST answer 420 listing it in
    // Unsupported. With timers off Tandem is such a UAS.
    if (request.requiresTimer) {
      return { action: 'reject', status: 420, unsupported: [TIMER_OPTION_TAG], reason: 'Require: timer on a trunk with session timers off (RFC 3261 §8.2.2.3)' };
    }
    // RFC 4028 §9: with no Session-Expires in the 2xx "there is no session expiration".
    return noTimer(config, 'session timers off on this trunk: 2xx without Session-Expires (RFC 4028 §9)');
  }

  // The dialog's state only counts for a refresh; an initial INVITE starts from nothing.
  const dialog = request.isRefresh ? current : null;
  const se = request.sessionExpires;
  // RFC 4028 §5: Min-SE "MUST NOT be less than 90 seconds"; "When the header field is not present, its default
  // value for is 90 seconds". A smaller value is read as 90.
  const requestMinSE = Math.max(ABSOLUTE_MIN_SE, request.minSE ?? ABSOLUTE_MIN_SE);
  // The smallest interval Tandem may put in the 2xx (§9 "MUST NOT set it to a duration lower than the value in the
  // Min-SE header field") and the smallest it is willing to run (its minimum timer).
  const floor = Math.max(config.minSE, requestMinSE);
  const minSEHistory = maxOf(dialog?.minSE, request.minSE === undefined ? null : requestMinSE);

  let interval: number;
  let reason: string;
  if (se !== undefined) {
    if (se.deltaSeconds < floor) {
      if (request.supportsTimer) {
        // RFC 4028 §9: "If an incoming request contains a Supported header field with a value 'timer' and a Session
        // Expires header field, the UAS MAY reject the INVITE request with a 422 (Session Interval Too Small) response
        // if the session interval in the Session-Expires header field is smaller than the minimum interval defined by
        // the UAS' local policy. When sending the 422 response, the UAS MUST include a Min-SE header field with the
        // value of its minimum interval. This minimum interval MUST NOT be lower than 90 seconds."
        return {
          action: 'reject',
          status: 422,
          minSE: floor,
          reason: `Session-Expires ${se.deltaSeconds} is below the minimum ${floor} and the UAC supports timer (RFC 4028 §9)`,
        };
      }
      // RFC 4028 §9: "The UAS MUST NOT increase the value of the Session-Expires header field", and a 422 is only
      // allowed with Supported: timer. Tandem declines the timer rather than run one below its minimum.
      return noTimer(
        config,
        `Session-Expires ${se.deltaSeconds} is below the minimum ${floor} and the UAC does not support timer: ` +
          'no 422 allowed, raising forbidden (RFC 4028 §9), so no session timer',
      );
    }
    // RFC 4028 §9: "If the UAS wishes to accept the request, it copies the value of the Session-Expires header field
    // from the request into the 2xx response. The UAS response MAY reduce its value but MUST NOT set it to a duration
    // lower than the value in the Min-SE header field in the request".
    interval = Math.min(se.deltaSeconds, Math.max(config.expires, floor));
    reason = interval === se.deltaSeconds ? `Session-Expires ${interval} copied from the request (RFC 4028 §9)` : `Session-Expires ${se.deltaSeconds} reduced to ${interval} (RFC 4028 §9 MAY reduce)`;
  } else {
    // RFC 4028 §9: "The UAS may request a session timer in the 2XX response by including a Session-Expires header
    // field. The value MUST NOT be set to a duration lower than the value in the Min-SE header field in the request".
    interval = Math.max(dialog?.interval ?? config.expires, floor);
    reason = `no Session-Expires in the request: Tandem requests ${interval} (RFC 4028 §9)`;
  }

  // RFC 4028 §9: "The UAS MUST set the value of the refresher parameter in the Session-Expires header field in the
  // 2xx response", per Table 2:
  //   UAC supports?  refresher in request  refresher in response
  //        N              none                  uas
  //        N              uac / uas             NA
  //        Y              none                  uas or uac
  //        Y              uac                   uac
  //        Y              uas                   uas
  let refresher: Refresher;
  if (!request.supportsTimer) {
    // Rows 1-3. The NA rows (a refresher without Supported: timer) are answered like row 1: a UAC that does not
    // claim support cannot be relied on to refresh, and a refresh from both sides is harmless.
    refresher = 'uas';
    reason += se?.refresher === undefined ? '; UAC does not support timer: refresher=uas (Table 2 row 1)' : `; refresher=${se.refresher} without Supported: timer (Table 2 NA): refresher=uas`;
  } else if (se?.refresher !== undefined) {
    // Rows 5-6: "the UAS cannot override the UAC's choice of refresher, if it made one."
    refresher = se.refresher;
    reason += `; refresher=${refresher} echoed (Table 2 row ${refresher === 'uac' ? 5 : 6})`;
  } else {
    // Row 4: the UAS decides.
    refresher = config.defaultRefresher;
    reason += `; UAC supports timer and named no refresher: refresher=${refresher} (Table 2 row 4, trunk default)`;
  }

  // RFC 4028 §9: "If the refresher parameter in the Session-Expires header field in the 2xx response has a value of
  // 'uac', the UAS MUST place a Require header field into the response with the value 'timer'. ... If the refresher
  // parameter in the 2xx response has a value of 'uas' and the Supported header field in the request contained the
  // value 'timer', the UAS SHOULD place a Require header field into the response with the value 'timer'."
  // (Without Supported: timer the UAC could not honour Require: timer, RFC 3261 §8.2.2.3.)
  const requireTimer = refresher === 'uac' || request.supportsTimer;

  return {
    action: 'accept',
    sessionExpires: { deltaSeconds: interval, refresher, params: NO_PARAMS },
    requireTimer,
    supportedTimer: true,
    timer: sessionTimerState({ interval, refresher, weAreRefresher: refresher === 'uas', minSE: minSEHistory }),
    reason,
  };
}

/**
 * Tandem answers a peer's re-INVITE or UPDATE in a confirmed dialog: the §9 rules again (§10 "processed identically
 * to the initial requests"). The peer may change the refresher with an explicit parameter (§7.4 "it MAY use a value
 * of 'uas'", peers.md #19) and Tandem echoes it; without one the trunk default applies. A request without
 * Session-Expires keeps the dialog's interval.
 */
export function answerRefresh(
  request: Omit<SessionTimerRequest, 'isRefresh'>,
  config: SessionTimerConfig,
  current: SessionTimerState | null,
): UasSessionTimerVerdict {
  return negotiateAsUas({ ...request, isRefresh: true }, config, current);
}

// ---------------------------------------------------------------------------------------------------------------
// Tandem as UAC (RFC 4028 §7)
// ---------------------------------------------------------------------------------------------------------------

/** Session-timer headers of a request Tandem sends. */
export interface RequestTimerHeaders {
  /** Add `timer` to Supported. */
  readonly supportedTimer: boolean;
  /** Session-Expires to send, or null for none. */
  readonly sessionExpires: SessionExpires | null;
  /** Min-SE to send, or null for none (the default 90 applies). */
  readonly minSE: number | null;
}

/**
 * Headers of the initial INVITE on an outbound leg (§7.1).
 * - Supported: timer: "MUST include a Supported header field in each request (except ACK), listing the option tag
 *   'timer'" (only when the trunk has timers on: with `off` Tandem does not support the extension there);
 * - Session-Expires: the trunk's `expires`, without `refresher` ("RECOMMENDED that the parameter be omitted");
 * - Min-SE: the trunk's `minSE` when it is above the default 90 ("A UAC MAY include the Min-SE header field").
 */
export function initialRequestTimer(config: SessionTimerConfig): RequestTimerHeaders {
  if (config === 'off') return { supportedTimer: false, sessionExpires: null, minSE: null };
  // RFC 4028 §7.1: "If a Min-SE header is included in the initial session refresh request, the value of the
  // Session-Expires MUST be greater than or equal to the value in Min-SE."
  const expires = Math.max(config.expires, config.minSE);
  return {
    supportedTimer: true,
    sessionExpires: { deltaSeconds: expires, params: NO_PARAMS },
    minSE: config.minSE > ABSOLUTE_MIN_SE ? config.minSE : null,
  };
}

/** Verdict on a 422 to a request Tandem sent. */
export type Retry422Verdict =
  | { readonly action: 'retry'; readonly headers: RequestTimerHeaders; readonly reason: string }
  | { readonly action: 'give-up'; readonly reason: string };

/**
 * A 422 (Session Interval Too Small) came back (§7.3, §7.4). Retry with a new CSeq (same Call-ID, From, To) and
 * Min-SE = the largest seen, Session-Expires = max(sent, Min-SE). Gives up when the 422 has no usable Min-SE or
 * asks for nothing more than was already sent (retrying could not succeed, and would loop).
 *
 * For a refresh in a dialog the session expiration does not move (§10): keep the running expiry timer.
 */
export function retryAfter422(args: {
  /** What the rejected request carried. */
  readonly sent: RequestTimerHeaders;
  /** Min-SE of the 422 (undefined when it had none). */
  readonly minSEIn422: number | undefined;
  readonly config: SessionTimerConfig;
}): Retry422Verdict {
  const { sent, minSEIn422, config } = args;
  // RFC 4028 §6: "The 422 response MUST contain a Min-SE header field".
  if (minSEIn422 === undefined) return { action: 'give-up', reason: '422 without Min-SE (RFC 4028 §6 MUST)' };
  const sentSE = sent.sessionExpires?.deltaSeconds ?? 0;
  // RFC 4028 §7.4: Min-SE "MUST be the largest value among all Min-SE header field values returned in all 422
  // responses"; "if the value above is too small, the UAC MAY increase it" (Tandem's own minimum).
  const minSE = Math.max(minSEIn422, sent.minSE ?? ABSOLUTE_MIN_SE, config === 'off' ? ABSOLUTE_MIN_SE : config.minSE);
  if (sent.sessionExpires !== null && minSE <= sentSE) {
    return { action: 'give-up', reason: `422 asks for Min-SE ${minSEIn422} but ${sentSE} was already sent (RFC 4028 §7.3: retry would not help)` };
  }
  // RFC 4028 §7.1: Session-Expires "MUST be greater than or equal to the value in Min-SE"; §7.4 SE =
  // max(Min-SE, current interval).
  const sessionExpires: SessionExpires = { ...(sent.sessionExpires ?? { params: NO_PARAMS }), deltaSeconds: Math.max(sentSE, minSE) };
  return {
    action: 'retry',
    // RFC 4028 §7.4: "The values of Supported, Require, and Proxy-Require used in the initial Session refresh request
    // MUST be used."
    headers: { supportedTimer: sent.supportedTimer, sessionExpires, minSE },
    reason: `422 with Min-SE ${minSEIn422}: retry with Session-Expires ${sessionExpires.deltaSeconds}, Min-SE ${minSE} (RFC 4028 §7.3, §7.4)`,
  };
}

/**
 * A 2xx arrived to a session refresh request Tandem sent (initial INVITE, re-INVITE or UPDATE): the new state for
 * the leg, or null for no session expiration (§7.2). Only a 2xx moves the expiration (§10): arm the timers anew.
 *
 * - Session-Expires with refresher=uac → Tandem refreshes; refresher=uas → the peer does ("The UAC MUST set the
 *   identity of the refresher to the value of this parameter").
 * - No Session-Expires though Tandem asked for one → Tandem refreshes with the value it sent: "as if the
 *   Session-Expires header field were in the 2xx response, and its value was the same as that in the request, but
 *   with a refresher parameter of 'uac'".
 * - No Session-Expires and none asked for (or trunk off) → null: "there is no session expiration".
 * - Session-Expires without `refresher` (a UAS MUST set it) → treated as 'uac': a double refresh is harmless, a
 *   missing one ends the call.
 * - A value below 90 (a protocol violation, §4) is raised to 90 so a peer cannot drive a refresh flood (§11.1).
 */
export function timerFrom2xx(args: {
  readonly sent: RequestTimerHeaders;
  readonly response: { readonly sessionExpires?: SessionExpires };
  readonly config: SessionTimerConfig;
}): SessionTimerState | null {
  const { sent, response, config } = args;
  if (config === 'off') return null;
  const se = response.sessionExpires;
  if (se === undefined) {
    if (sent.sessionExpires === null) return null;
    return sessionTimerState({ interval: sent.sessionExpires.deltaSeconds, refresher: 'uac', weAreRefresher: true, minSE: sent.minSE });
  }
  const refresher: Refresher = se.refresher ?? 'uac';
  // RFC 4028 §7.2: "The UAC remembers the session interval for a session as the value of the delta-time from the
  // Session-Expires header field in the most recent 2xx response".
  const interval = Math.max(ABSOLUTE_MIN_SE, se.deltaSeconds);
  return sessionTimerState({ interval, refresher, weAreRefresher: refresher === 'uac', minSE: sent.minSE });
}

// ---------------------------------------------------------------------------------------------------------------
// Refreshing (RFC 4028 §7.4, §10)
// ---------------------------------------------------------------------------------------------------------------

/** How Tandem's next session refresh request looks. */
export interface RefreshRequestVerdict {
  readonly method: 'UPDATE' | 'INVITE';
  /** Always carries `refresher` (peers.md #2). */
  readonly sessionExpires: SessionExpires;
  /** Min-SE to send, or null for none. */
  readonly minSE: number | null;
  /** Add `timer` to Supported (always, §7.4). */
  readonly supportedTimer: true;
  /** A re-INVITE carries the last SDP offer unchanged (same o= version); an UPDATE carries no body. */
  readonly includeSdp: boolean;
}

/** The trunk's refresh method setting. */
export type RefreshMethodSetting = SessionTimerSettings['refresh'];

/**
 * The refresh request Tandem sends on a leg (§7.4). Also right for any other re-INVITE/UPDATE Tandem sends in the
 * dialog (§7.2: it refreshes the session too): the refresher keeps its role.
 *
 * - Session-Expires = max(Min-SE, interval): "it SHOULD be equal to the maximum of the Min-SE header field ... and
 *   the current session interval";
 * - refresher = 'uac' when Tandem refreshes, 'uas' when the peer does: "RECOMMENDED that the refresher parameter
 *   be set to 'uac' if the element sending the request is currently performing refreshes, and to 'uas' if its peer
 *   is performing the refreshes";
 * - method: `auto` → UPDATE when the peer's Allow lists UPDATE and it has not refused UPDATE before ("If a UAC knows
 *   that its peer supports the UPDATE method, it is RECOMMENDED that UPDATE be used"), else re-INVITE; `update` /
 *   `invite` force one.
 */
export function buildRefreshRequest(args: {
  readonly state: SessionTimerState;
  /** Methods in the peer's Allow (case-sensitive), undefined when it sent none. */
  readonly peerAllow?: readonly string[] | undefined;
  readonly refresh: RefreshMethodSetting;
  /** The peer answered an UPDATE refresh with 405 or 501 earlier in this dialog. */
  readonly updateRefused?: boolean;
}): RefreshRequestVerdict {
  const { state, refresh } = args;
  const allowsUpdate = (args.peerAllow ?? []).includes('UPDATE') && args.updateRefused !== true;
  const method = refresh === 'update' ? 'UPDATE' : refresh === 'invite' ? 'INVITE' : allowsUpdate ? 'UPDATE' : 'INVITE';
  return {
    method,
    sessionExpires: {
      deltaSeconds: Math.max(state.minSE ?? ABSOLUTE_MIN_SE, state.interval),
      refresher: state.weAreRefresher ? 'uac' : 'uas',
      params: NO_PARAMS,
    },
    // RFC 4028 §7.4: "The UAC MUST insert the Min-SE header field into a session refresh request for a particular
    // dialog if it has ever received a 422 response ... or ... a session refresh request on that dialog that
    // contained a Min-SE header field."
    minSE: state.minSE,
    supportedTimer: true,
    // RFC 4028 §7.4: "It is RECOMMENDED that the UPDATE request not contain an offer, but a re-INVITE SHOULD contain
    // one, even if the details of the session have not changed."
    includeSdp: method === 'INVITE',
  };
}

/** How a refresh request Tandem sent ended, other than with a 2xx. */
export type RefreshOutcome =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'response'; readonly status: number; readonly minSE?: number };

/** What to do after a failed refresh. The session expiration stays where it was unless said otherwise (§10). */
export type RefreshFailureVerdict =
  /** End the session: BYE on this leg, the other leg released with `q850Cause`. */
  | { readonly action: 'bye'; readonly q850Cause: number; readonly reason: string }
  /** Send `request` now (new CSeq). */
  | { readonly action: 'retry'; readonly request: RefreshRequestVerdict; readonly reason: string }
  /** 491: retry after the RFC 3261 §14.1 glare wait, rebuilding the request then. */
  | { readonly action: 'retry-after-glare'; readonly reason: string }
  /** 401/407: retry with credentials if the trunk has them, else as 'keep-expiry'. */
  | { readonly action: 'authenticate'; readonly reason: string }
  /** No retry: the unchanged expiry timer ends the session if nothing else refreshes it. */
  | { readonly action: 'keep-expiry'; readonly reason: string };

/**
 * A session refresh request Tandem sent failed (§10).
 * - timeout, 408, 481 → BYE: "If the session refresh request transaction times out or generates a 408 or 481
 *   response, then the UAC sends a BYE request as per Section 12.2.1.2 of RFC 3261"; the other leg is released
 *   with Q.850 cause 102 (standards.md §9 [INF]) — peers.md #7 is the call never ended;
 * - 422 → retry at once with the larger Session-Expires/Min-SE; "the session expiration (which has not changed)";
 * - 405/501 to an UPDATE in `auto` mode → retry as re-INVITE (SEMS `UPDATE_FALLBACK_INVITE`);
 * - 491 → retry after the glare wait; 401/407 → authenticate;
 * - anything else, or the same status as the previous failure ("SHOULD NOT continuously retry the request if the
 *   server indicates the same error response") → keep the expiry: only a 2xx moves it.
 *
 * @throws TandemError TANDEM_ERR_INVALID_ARGUMENT for a 1xx/2xx status (not a failure).
 */
export function onRefreshFailure(args: {
  /** The failed request (method, Session-Expires, Min-SE). */
  readonly sent: RefreshRequestVerdict;
  readonly outcome: RefreshOutcome;
  /** Status of the previous failure of a refresh on this dialog since the last 2xx, if any. */
  readonly previousFailureStatus?: number | undefined;
  readonly refresh: RefreshMethodSetting;
}): RefreshFailureVerdict {
  const { outcome } = args;
  if (outcome.kind === 'timeout') {
    return { action: 'bye', q850Cause: SESSION_TIMER_CAUSE, reason: 'refresh transaction timed out (RFC 4028 §10, RFC 3261 §12.2.1.2)' };
  }
  const status = outcome.status;
  if (!Number.isInteger(status) || status < 300 || status > 699) {
    throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', `status ${status} is not a failure response to a refresh`);
  }
  // RFC 4028 §10: "If the session refresh request transaction times out or generates a 408 or 481 response, then
  // the UAC sends a BYE request as per Section 12.2.1.2 of RFC 3261".
  if (status === 408 || status === 481) {
    return { action: 'bye', q850Cause: SESSION_TIMER_CAUSE, reason: `refresh answered ${status} (RFC 4028 §10, RFC 3261 §12.2.1.2)` };
  }
  // RFC 4028 §10: "the UAC SHOULD NOT continuously retry the request if the server indicates the same error response."
  if (args.previousFailureStatus === status) {
    return { action: 'keep-expiry', reason: `refresh answered ${status} again: no further retry; the expiry stands (RFC 4028 §10)` };
  }
  if (status === 422) {
    // RFC 4028 §10: "a UA could attempt a refresh and receive a 422 response with a Min-SE header field ... The UA
    // will still have to send a session refresh request before the session expiration (which has not changed)".
    const sentSE = args.sent.sessionExpires.deltaSeconds;
    // RFC 4028 §6: "The 422 response MUST contain a Min-SE header field".
    if (outcome.minSE === undefined) return { action: 'keep-expiry', reason: '422 to a refresh without Min-SE (RFC 4028 §6 MUST): not retried' };
    if (outcome.minSE <= sentSE) {
      return { action: 'keep-expiry', reason: `422 asks for Min-SE ${outcome.minSE} but ${sentSE} was already sent: not retried (RFC 4028 §10)` };
    }
    // RFC 4028 §7.4: Min-SE is "the largest value among all Min-SE header field values returned in all 422
    // responses"; Session-Expires = max(Min-SE, current interval). Method and refresher stay as they were.
    const minSE = Math.max(outcome.minSE, args.sent.minSE ?? ABSOLUTE_MIN_SE);
    return {
      action: 'retry',
      request: { ...args.sent, sessionExpires: { ...args.sent.sessionExpires, deltaSeconds: Math.max(sentSE, minSE) }, minSE },
      reason: `422 with Min-SE ${outcome.minSE}: retry with Session-Expires ${Math.max(sentSE, minSE)}; the session expiration has not changed (RFC 4028 §10)`,
    };
  }
  if ((status === 405 || status === 501) && args.sent.method === 'UPDATE' && args.refresh === 'auto') {
    // RFC 4028 §10: "SHOULD follow the rules specific to that response code and retry if possible": the peer does not
    // do UPDATE here, so refresh by re-INVITE (§7.4: "a re-INVITE SHOULD contain [an offer]").
    return {
      action: 'retry',
      request: { ...args.sent, method: 'INVITE', includeSdp: true },
      reason: `UPDATE refresh answered ${status}: retry as re-INVITE (RFC 4028 §7.4, §10)`,
    };
  }
  if (status === 491) {
    return { action: 'retry-after-glare', reason: 'refresh answered 491: retry after the glare wait (RFC 3261 §14.1, RFC 4028 §10)' };
  }
  if (status === 401 || status === 407) {
    return { action: 'authenticate', reason: `refresh answered ${status}: retry with credentials (RFC 4028 §10 example)` };
  }
  return { action: 'keep-expiry', reason: `refresh answered ${status}: not retried; only a 2xx moves the expiry (RFC 4028 §10)` };
}

/** Verdict when a leg's expiry timer fires: always BYE, other leg released with {@link SESSION_TIMER_CAUSE}. */
export interface ExpiryVerdict {
  readonly action: 'bye';
  readonly q850Cause: number;
  readonly reason: string;
}

/**
 * The expiry timer of a leg fired without a 2xx to a refresh (§10). Unlike a proxy (§8.3 "MUST NOT send a BYE"),
 * a UA — and so each side of a B2BUA — ends the session with BYE.
 */
export function onSessionExpired(state: SessionTimerState): ExpiryVerdict {
  return {
    action: 'bye',
    q850Cause: SESSION_TIMER_CAUSE,
    reason: state.weAreRefresher
      ? `no 2xx to Tandem's refresh within the ${state.interval} s session interval (RFC 4028 §7.2, §10)`
      : `no refresh from the peer within ${expiryDelayMs(state) / 1000} s of a ${state.interval} s session interval (RFC 4028 §10)`,
  };
}
