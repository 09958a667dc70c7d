/**
 * The session-timer runtime of one leg (RFC 4028 §7.2, §9, §10): it arms the refresh and expiry timers that the pure
 * policy (`policy/session-timer.ts`) computes, sends Tandem's refreshes through a callback, and reports expiry. It is
 * its own small machine (STYLE.md P5): the dialog, the offer/answer and the call each keep theirs.
 *
 * A B2BUA runs the UA rules on each leg on its own (standards.md §3 "B2BUA expectations"), so each leg of a call owns
 * one {@link SessionRefresh}: role 'uas' on the inbound leg, 'uac' on the outbound one.
 *
 * ```text
 *  Idle ──start(null)──▶ Off ──onRefreshReceived(s) / onOwnRequestAnswered(s)──▶ Active
 *   └──start(s)──────────────────────────────────────────────────────────────────▶ Active
 *
 *  Active ──refresh timer (Tandem refreshes; interval/2)──▶ Refreshing
 *  Refreshing ──2xx──────────────────────────────▶ Active      (re-armed from the 2xx)
 *  Refreshing ──422 / 405·501 to an UPDATE───────▶ Refreshing  (a new request: new CSeq)
 *  Refreshing ──491──────────────────────────────▶ GlareWait ──glare timer (RFC 3261 §14.1)──▶ Refreshing
 *  Refreshing ──timeout / 408 / 481──────────────▶ Expired     (host.sessionExpired 'refresh-failed', 102)
 *  Refreshing ──any other failure────────────────▶ Lapsing     (no retry; the expiry stands)
 *  Active · Refreshing · GlareWait · Lapsing ──expiry timer──▶ Expired ('peer-silent' | 'refresh-failed', 102)
 *  Off · Active · Refreshing · GlareWait · Lapsing
 *       ──a 2xx elsewhere (onRefreshReceived / onOwnRequestAnswered)──▶ Active, or Off for no timer
 *  any ──close()──▶ Closed (terminal; cancels every timer)
 * ```
 *
 * Timers: the refresh timer belongs to Active (only when Tandem refreshes) and the glare timer to GlareWait; leaving
 * the state cancels them. The session expiration belongs to the session: each 2xx moves it (§10: "only a 2xx moves
 * it") and it holds through Active, Refreshing, GlareWait and Lapsing; Off, Expired and Closed drop it. Its timer is
 * armed only when nothing fires before it: in Active when the peer refreshes, and from Refreshing on when Tandem
 * does (its refresh, at half the interval, always comes first) — one live timer per leg in the common states. The
 * timers are alarms in the clock's shared queue (`util/alarm-queue.ts`: one clock timer for every leg, an alarm of
 * about 70 bytes where a Node timer with its closure cost about 300, for as long as the call lives); they ring at
 * the same millisecond a timer would, and the machine is their target (`ring(token)`). A refresh answered after the
 * machine left Refreshing (closed, expired, re-armed by a crossing 2xx) is ignored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4028#section-10
 * @packageDocumentation
 */
import { InvalidStateError, TandemError } from '../errors/tandem-error.js';
import type { Logger } from '../observability/logger.js';
import { ABSOLUTE_MIN_SE } from '../config/session-timer-schema.js';
import type { SessionTimerConfig } from '../config/session-timer-schema.js';
import type { RefreshOutcome, RefreshRequestVerdict, RequestTimerHeaders, SessionTimerState } from '../policy/session-timer.js';
import {
  SESSION_TIMER_CAUSE,
  buildRefreshRequest,
  expiryDelayMs,
  onRefreshFailure,
  onSessionExpired,
  refreshDelayMs,
  timerFrom2xx,
} from '../policy/session-timer.js';
import type { SessionExpires } from '../sip/headers/header-types.js';
import type { Alarmed } from '../util/alarm-queue.js';
import { AlarmQueue } from '../util/alarm-queue.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/** The states of {@link SessionRefresh} (diagram in the module header). */
export type SessionRefreshState = 'Idle' | 'Off' | 'Active' | 'Refreshing' | 'GlareWait' | 'Lapsing' | 'Expired' | 'Closed';

/** Why a leg's session ended: the peer never refreshed, or Tandem's own refresh failed (RFC 4028 §10). */
export type SessionExpiryReason = 'peer-silent' | 'refresh-failed';

/**
 * How a refresh request Tandem sent ended, as the call layer reports it.
 * - `status`: the final response (300–699, or 2xx). For a 2xx give its Session-Expires (absent: none); for a 422 its
 *   Min-SE (RFC 4028 §6);
 * - `error: 'timeout'`: the client transaction timed out (Timer B/F);
 * - `error: 'transport'`: a fatal transport error, read as 503 (RFC 3261 §8.1.3.1).
 */
export type RefreshResult =
  | { readonly status: number; readonly sessionExpires?: SessionExpires | undefined; readonly minSE?: number | undefined }
  | { readonly error: 'timeout' | 'transport' };

/**
 * The leg a {@link SessionRefresh} belongs to (an object rather than two callbacks: one machine per leg of every
 * established call, and closures are memory each).
 */
export interface SessionRefreshHost {
  /**
   * Sends one session refresh request on this leg: a new transaction with a new CSeq each call (RFC 4028 §7.4,
   * RFC 3261 §12.2.1.1). UPDATE without a body, or re-INVITE with the last SDP unchanged (same o= version) when
   * `request.includeSdp`; Session-Expires (always with `refresher`), Min-SE when not null, Supported: timer.
   * Resolves with the final outcome; a rejection is logged and read as a transport error.
   */
  sendRefresh(request: RefreshRequestVerdict): Promise<RefreshResult>;
  /**
   * The session of this leg expired: send BYE on this leg and release the other with Reason: Q.850;cause=102 and
   * record the call as ended by session-timer expiry. Called at most once; the machine is Expired and has no timers.
   */
  sessionExpired(reason: SessionExpiryReason, q850Cause: typeof SESSION_TIMER_CAUSE, detail: string): void;
}

/** Options of {@link SessionRefresh}. */
export interface SessionRefreshOptions {
  readonly clock: Clock;
  /** Tandem's role on this leg: 'uas' on the inbound leg, 'uac' on the outbound one. */
  readonly role: 'uas' | 'uac';
  /** The leg's trunk settings (`sessionTimer` of the trunk config). */
  readonly settings: SessionTimerConfig;
  /**
   * Tandem generated this dialog's Call-ID (RFC 3261 §14.1 glare wait: 2.1–4 s when true, 0–2 s when false).
   * Default: true on a 'uac' leg (Tandem makes a new Call-ID per outbound leg), false on a 'uas' leg.
   */
  readonly isCallIdOwner?: boolean;
  /** Methods in the peer's Allow on this dialog (UPDATE there makes `refresh: auto` use UPDATE); see setPeerAllow. */
  readonly peerAllow?: readonly string[] | undefined;
  /** What the machine asks of its leg: sending a refresh, and hearing of the expiry. */
  readonly host: SessionRefreshHost;
  readonly logger: Logger;
  /** Uniform [0, 1) source for the glare wait; tests inject one. Default Math.random. */
  readonly random?: () => number;
}

const ALLOWED: Readonly<Record<SessionRefreshState, readonly SessionRefreshState[]>> = {
  Idle: ['Off', 'Active', 'Closed'],
  Off: ['Off', 'Active', 'Closed'],
  Active: ['Active', 'Off', 'Refreshing', 'Expired', 'Closed'],
  Refreshing: ['Refreshing', 'Active', 'Off', 'GlareWait', 'Lapsing', 'Expired', 'Closed'],
  GlareWait: ['Refreshing', 'Active', 'Off', 'Expired', 'Closed'],
  Lapsing: ['Active', 'Off', 'Expired', 'Closed'],
  Expired: ['Closed'],
  Closed: [],
};

/**
 * RFC 3261 §14.1 glare wait in ms: "If the UAC is the owner of the Call-ID of the dialog ID (meaning it generated the
 * value), T has a randomly chosen value between 2.1 and 4 seconds in units of 10 ms. If the UAC is not the owner of
 * the Call-ID of the dialog ID, T has a randomly chosen value of between 0 and 2 seconds in units of 10 ms."
 */
export function glareWaitMs(isCallIdOwner: boolean, random: () => number): number {
  const r = Math.min(Math.max(random(), 0), 0.999_999);
  return isCallIdOwner ? 2100 + Math.floor(r * 191) * 10 : Math.floor(r * 201) * 10;
}

/**
 * The session-timer machine of one leg (module header: diagram and timers).
 *
 * Drive it from the leg: {@link SessionRefresh.start} after the initial 2xx, {@link SessionRefresh.onRefreshReceived}
 * after Tandem sent a 2xx to the peer's re-INVITE/UPDATE, {@link SessionRefresh.onOwnRequestAnswered} after a
 * re-INVITE/UPDATE Tandem relayed on the leg got a 2xx, {@link SessionRefresh.close} when the dialog ends.
 */
/** Tokens of this machine's alarms. */
const ALARM_REFRESH = 0;
const ALARM_GLARE = 1;
const ALARM_EXPIRY = 2;

export class SessionRefresh implements Alarmed {
  readonly #clock: Clock;
  readonly #settings: SessionTimerConfig;
  readonly #isCallIdOwner: boolean;
  readonly #host: SessionRefreshHost;
  readonly #random: () => number;
  readonly #log: Logger;
  #peerAllow: readonly string[] | undefined;

  #state: SessionRefreshState = 'Idle';
  #timer: SessionTimerState | null = null;
  /**
   * The timer of the current state: refresh (Active) or glare (GlareWait). These and the expiry timer are alarms in
   * the clock's shared {@link AlarmQueue}, not a Node timer each: they live as long as the call, and most are
   * cancelled before they ring.
   */
  #stateTimer: TimerHandle | undefined;
  /** When the session expires (§10: set by each 2xx only), clock ms; undefined in Idle, Off, Expired, Closed. */
  #expiresAt: number | undefined;
  /** The timer of {@link SessionRefresh.#expiresAt}, while armed (see the module header for when). */
  #expiryTimer: TimerHandle | undefined;
  readonly #alarms: AlarmQueue;
  /** The refresh request awaiting its answer (Refreshing only). */
  #inFlight: RefreshRequestVerdict | null = null;
  /** Status of the last failed refresh since the last 2xx (§10: no retry on the same error twice). */
  #previousFailureStatus: number | undefined;
  /** The peer refused an UPDATE refresh with 405/501 in this dialog: refresh by re-INVITE from now on. */
  #updateRefused = false;
  /** Largest Min-SE of any 422 to a refresh on this dialog (§7.4). */
  #minSEFrom422: number | null = null;

  constructor(options: SessionRefreshOptions) {
    this.#clock = options.clock;
    this.#alarms = AlarmQueue.for(options.clock);
    this.#settings = options.settings;
    this.#isCallIdOwner = options.isCallIdOwner ?? options.role === 'uac';
    this.#host = options.host;
    this.#random = options.random ?? Math.random;
    this.#peerAllow = options.peerAllow;
    this.#log = options.logger;
  }

  /** The machine's state. */
  get state(): SessionRefreshState {
    return this.#state;
  }

  /** True once {@link SessionRefresh.close} ran (STYLE.md P10). */
  get closed(): boolean {
    return this.#state === 'Closed';
  }

  /**
   * The leg's negotiated session timer (interval, refresher, Min-SE history), or null for none. Pass it as `current`
   * to `answerRefresh` for the peer's next refresh, and to the CDR.
   */
  get timer(): SessionTimerState | null {
    return this.#timer;
  }

  /** The peer refused an UPDATE refresh (405/501): later refreshes on this leg are re-INVITEs. */
  get isUpdateRefused(): boolean {
    return this.#updateRefused;
  }

  /** The peer's Allow changed (a target refresh, RFC 3261 §12.2): decides UPDATE vs re-INVITE in `auto` mode. */
  setPeerAllow(allow: readonly string[] | undefined): void {
    this.#peerAllow = allow;
  }

  /**
   * Session-timer headers for a re-INVITE or UPDATE Tandem relays on this leg (RFC 4028 §7.4: any such request is a
   * session refresh and keeps the refresher role). Give them with the 2xx's Session-Expires to `timerFrom2xx`, and
   * the result to {@link SessionRefresh.onOwnRequestAnswered}.
   */
  headersForOwnRequest(): RequestTimerHeaders {
    if (this.#settings === 'off') return { supportedTimer: false, sessionExpires: null, minSE: null };
    const timer = this.#effectiveTimer();
    // RFC 4028 §7.1: "MUST include a Supported header field in each request (except ACK), listing the option tag
    // 'timer'"; without a timer on the dialog the request asks for none (§7.2: a 2xx without one keeps it off).
    if (timer === null) return { supportedTimer: true, sessionExpires: null, minSE: this.#minSEFrom422 };
    const r = buildRefreshRequest({ state: timer, peerAllow: this.#peerAllow, refresh: this.#settings.refresh, updateRefused: this.#updateRefused });
    return { supportedTimer: true, sessionExpires: r.sessionExpires, minSE: r.minSE };
  }

  /**
   * The initial INVITE's 2xx was sent (inbound leg: `negotiateAsUas(...).timer`) or received (outbound leg:
   * `timerFrom2xx(...)`): arm the timers from now. Null: no session timer on this leg (Off).
   *
   * Ignored once Expired or Closed (a 2xx racing the end of the call).
   * @throws InvalidStateError when already started.
   * @throws TandemError TANDEM_ERR_INVALID_ARGUMENT for a timer on a trunk with session timers off.
   */
  start(timer: SessionTimerState | null): void {
    if (this.#isOver('start')) return;
    if (this.#state !== 'Idle') throw new InvalidStateError(`session refresh already started (state ${this.#state})`);
    this.#rearm(timer, 'initial 2xx');
  }

  /**
   * Tandem sent a 2xx to the peer's re-INVITE or UPDATE on this leg (`answerRefresh(...).timer`): RFC 4028 §10 "the
   * session expiration is moved by a 2xx to a session refresh"; a null timer turns it off (§9: 2xx without
   * Session-Expires). Call it only for a 2xx: a rejected request moves nothing.
   */
  onRefreshReceived(timer: SessionTimerState | null): void {
    if (this.#isOver('onRefreshReceived')) return;
    this.#rearm(timer, "2xx sent to the peer's refresh");
  }

  /**
   * A re-INVITE or UPDATE that Tandem relayed on this leg (not one of this machine's refreshes) got a 2xx; `timer` is
   * `timerFrom2xx({ sent: headersForOwnRequest(), response, config })`. RFC 4028 §7.2: it refreshes the session like
   * any session refresh request. Call it only for a 2xx.
   */
  onOwnRequestAnswered(timer: SessionTimerState | null): void {
    if (this.#isOver('onOwnRequestAnswered')) return;
    this.#rearm(timer, '2xx to a request Tandem relayed');
  }

  /** The dialog ended: cancels every timer and ignores any answer still to come. Idempotent (STYLE.md P10). */
  close(): void {
    if (this.#state === 'Closed') return;
    this.#transition('Closed');
  }

  // -------------------------------------------------------------------------------------------------------------
  // internals
  // -------------------------------------------------------------------------------------------------------------

  #isOver(what: string): boolean {
    if (this.#state !== 'Expired' && this.#state !== 'Closed') return false;
    this.#log.debug({ state: this.#state }, `${what} ignored: session refresh is over`);
    return true;
  }

  /** The timer with the Min-SE of every 422 folded in (§7.4: "the largest value among all Min-SE ... in all 422"). */
  #effectiveTimer(): SessionTimerState | null {
    const t = this.#timer;
    if (t === null || this.#minSEFrom422 === null) return t;
    return { ...t, minSE: Math.max(t.minSE ?? ABSOLUTE_MIN_SE, this.#minSEFrom422) };
  }

  /** A 2xx moved the session expiration (§10): new timer, all timers re-armed from now. */
  #rearm(timer: SessionTimerState | null, why: string): void {
    if (timer !== null && this.#settings === 'off') {
      throw new TandemError('TANDEM_ERR_INVALID_ARGUMENT', 'a session timer on a trunk with sessionTimer off (policy never yields one)');
    }
    this.#previousFailureStatus = undefined;
    this.#cancelExpiry();
    this.#timer = timer;
    if (timer === null) {
      this.#log.debug({ why }, 'no session timer on this leg');
      this.#transition('Off');
      return;
    }
    // RFC 4028 §10: the non-refresher's BYE at interval − min(32 s, interval/3); the refresher's deadline is the
    // session expiration itself (policy/session-timer.ts sessionTimerState).
    this.#expiresAt = this.#clock.now() + expiryDelayMs(timer);
    this.#log.debug({ why, interval: timer.interval, refresher: timer.refresher, weAreRefresher: timer.weAreRefresher }, 'session timer armed');
    this.#transition('Active');
  }

  #transition(to: SessionRefreshState): void {
    const from = this.#state;
    if (!ALLOWED[from].includes(to)) throw new InvalidStateError(`session refresh: ${from} → ${to} is not allowed`);
    // Leaving a state cancels its timer (STYLE.md P4).
    this.#stateTimer?.cancel();
    this.#stateTimer = undefined;
    if (from === 'Refreshing') this.#inFlight = null;
    this.#state = to;
    switch (to) {
      case 'Active': {
        // RFC 4028 §7.2/§9: "It is RECOMMENDED that this refresh be sent once half the session interval has elapsed."
        const delay = this.#timer === null ? null : refreshDelayMs(this.#timer);
        if (delay !== null) this.#stateTimer = this.#alarms.set(this, ALARM_REFRESH, delay);
        else this.#armExpiry();
        break;
      }
      case 'GlareWait':
        this.#stateTimer = this.#alarms.set(this, ALARM_GLARE, glareWaitMs(this.#isCallIdOwner, this.#random));
        break;
      case 'Refreshing':
        this.#armExpiry();
        break;
      case 'Off':
      case 'Expired':
      case 'Closed':
        this.#cancelExpiry();
        break;
      case 'Idle':
      case 'Lapsing':
        break;
    }
  }

  /** Arms the expiry timer for the session expiration, unless it is armed already. */
  #armExpiry(): void {
    const at = this.#expiresAt;
    if (this.#expiryTimer !== undefined || at === undefined) return;
    this.#expiryTimer = this.#alarms.set(this, ALARM_EXPIRY, at - this.#clock.now());
  }

  #cancelExpiry(): void {
    this.#expiryTimer?.cancel();
    this.#expiryTimer = undefined;
    this.#expiresAt = undefined;
  }

  /** @internal The alarm queue's callback ({@link Alarmed}): one of this machine's alarms is due. */
  ring(token: number): void {
    if (token === ALARM_REFRESH) this.#onRefreshTimer();
    else if (token === ALARM_GLARE) this.#onGlareTimer();
    else this.#onExpiryTimer();
  }

  #onRefreshTimer(): void {
    this.#stateTimer = undefined;
    this.#sendNewRefresh();
  }

  #onGlareTimer(): void {
    this.#stateTimer = undefined;
    // RFC 3261 §14.1: "the UAC SHOULD ... attempt the re-INVITE again" after T; the request is rebuilt now.
    this.#sendNewRefresh();
  }

  #sendNewRefresh(): void {
    const timer = this.#effectiveTimer();
    if (timer === null || this.#settings === 'off') return;
    this.#send(buildRefreshRequest({ state: timer, peerAllow: this.#peerAllow, refresh: this.#settings.refresh, updateRefused: this.#updateRefused }));
  }

  #send(request: RefreshRequestVerdict): void {
    this.#transition('Refreshing');
    this.#inFlight = request;
    this.#log.debug({ method: request.method, sessionExpires: request.sessionExpires.deltaSeconds, minSE: request.minSE }, 'sending session refresh');
    let pending: Promise<RefreshResult>;
    try {
      pending = this.#host.sendRefresh(request);
    } catch (err: unknown) {
      pending = Promise.reject(err);
    }
    pending
      .catch((err: unknown): RefreshResult => {
        this.#log.error({ err }, 'sendRefresh failed: read as a transport error');
        return { error: 'transport' };
      })
      .then((result) => this.#onAnswer(request, result))
      .catch((err: unknown) => this.#log.error({ err }, 'session refresh answer not handled'));
  }

  #onAnswer(request: RefreshRequestVerdict, result: RefreshResult): void {
    if (this.#state !== 'Refreshing' || this.#inFlight !== request) {
      this.#log.debug({ state: this.#state }, 'answer to a session refresh that is no longer pending: ignored');
      return;
    }
    // Classify the input first (STYLE.md P5).
    let outcome: RefreshOutcome;
    if ('error' in result) {
      // RFC 3261 §8.1.3.1: "If a fatal transport error is reported by the transport layer ... the condition MUST be
      // treated as a 503 (Service Unavailable) status code."
      outcome = result.error === 'timeout' ? { kind: 'timeout' } : { kind: 'response', status: 503 };
    } else if (result.status >= 200 && result.status <= 299) {
      this.#on2xx(request, result.sessionExpires);
      return;
    } else if (Number.isInteger(result.status) && result.status >= 300 && result.status <= 699) {
      outcome = result.minSE === undefined ? { kind: 'response', status: result.status } : { kind: 'response', status: result.status, minSE: result.minSE };
    } else {
      this.#log.error({ status: result.status }, 'session refresh answered with a non-final status: read as a failure without retry');
      this.#transition('Lapsing');
      return;
    }
    this.#onFailure(request, outcome);
  }

  #on2xx(request: RefreshRequestVerdict, sessionExpires: SessionExpires | undefined): void {
    // RFC 4028 §7.2: the session interval is "the value of the delta-time from the Session-Expires header field in the
    // most recent 2xx response"; without one, Tandem keeps what it asked for with refresher=uac.
    const timer = timerFrom2xx({
      sent: { supportedTimer: true, sessionExpires: request.sessionExpires, minSE: request.minSE },
      response: sessionExpires === undefined ? {} : { sessionExpires },
      config: this.#settings,
    });
    this.#rearm(timer, '2xx to the session refresh');
  }

  #onFailure(request: RefreshRequestVerdict, outcome: RefreshOutcome): void {
    if (this.#settings === 'off') return;
    const verdict = onRefreshFailure({ sent: request, outcome, previousFailureStatus: this.#previousFailureStatus, refresh: this.#settings.refresh });
    const status = outcome.kind === 'response' ? outcome.status : undefined;
    this.#log.info({ status, action: verdict.action }, verdict.reason);
    switch (verdict.action) {
      case 'bye':
        // RFC 4028 §10: "If the session refresh request transaction times out or generates a 408 or 481 response,
        // then the UAC sends a BYE request".
        this.#expire('refresh-failed', verdict.reason);
        return;
      case 'retry':
        this.#previousFailureStatus = status;
        if (request.method === 'UPDATE' && verdict.request.method === 'INVITE') this.#updateRefused = true;
        if (status === 422 && verdict.request.minSE !== null) this.#minSEFrom422 = Math.max(this.#minSEFrom422 ?? ABSOLUTE_MIN_SE, verdict.request.minSE);
        this.#send(verdict.request);
        return;
      case 'retry-after-glare':
        this.#previousFailureStatus = status;
        this.#transition('GlareWait');
        return;
      case 'authenticate':
      case 'keep-expiry':
        // RFC 4028 §10: only a 2xx moves the session expiration; the expiry timer ends the session unless one comes.
        // (Credentials are the call layer's business: it retries 401/407 itself before resolving sendRefresh.)
        this.#previousFailureStatus = status;
        this.#transition('Lapsing');
        return;
    }
  }

  #onExpiryTimer(): void {
    this.#expiryTimer = undefined;
    const timer = this.#timer;
    if (timer === null) return;
    // RFC 4028 §10: "If the side not performing refreshes does not receive a session refresh request before the
    // session expiration, it SHOULD send a BYE"; the refresher whose refreshes got no 2xx ends it as well.
    this.#expire(timer.weAreRefresher ? 'refresh-failed' : 'peer-silent', onSessionExpired(timer).reason);
  }

  #expire(reason: SessionExpiryReason, detail: string): void {
    this.#transition('Expired');
    this.#log.info({ reason, q850Cause: SESSION_TIMER_CAUSE }, `session expired: ${detail}`);
    try {
      this.#host.sessionExpired(reason, SESSION_TIMER_CAUSE, detail);
    } catch (err: unknown) {
      this.#log.error({ err }, 'sessionExpired threw');
    }
  }
}
