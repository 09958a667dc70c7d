/**
 * What both legs of a call share: one dialog usage (RFC 3261 §12–§14) — in-dialog requests in both directions,
 * BYE, the UAS duty of retransmitting a 2xx to INVITE until its ACK (§13.3.1.4), the UAC duty of ACKing every 2xx
 * (§13.2.2.4), and re-INVITE glare (§14.2: 491 while our own INVITE is pending, 500 with Retry-After while theirs
 * is). A leg turns SIP into {@link LegEvent}s for its Call and takes commands back; it never sees the other leg
 * (STYLE.md P7).
 *
 * States: Idle ──(dialog)──▶ Early ──▶ Confirmed ──BYE/failure──▶ Terminated (close(): timers cancelled,
 * dialog unregistered; idempotent).
 *
 * Session timers (RFC 4028, issue 6) run per leg, independently of the other leg (standards.md §3): each leg owns
 * one {@link SessionRefresh} machine (dialog/session-refresh.ts, its states in its header), created when the first
 * 2xx brings a session timer. The leg feeds it:
 * - a peer's INVITE/UPDATE: `answerRefresh` decides before anything is relayed (422 with Min-SE, 420 with
 *   Unsupported: timer, or accept); the accepting verdict waits, keyed by CSeq, for the 2xx this leg sends, which
 *   gets its Session-Expires/Require/Supported and moves the expiry (§10: only a 2xx does). A confirmed dialog's
 *   UPDATE without a body is a pure refresh: answered here, never relayed;
 * - a re-INVITE/UPDATE the Call relays through this leg carries the leg's own timer headers, and its 2xx re-arms;
 * - the machine's own refreshes go out as UPDATE without body or re-INVITE with the last SDP this leg sent (same
 *   o= version); an expiry is reported to the Call as 'sessionExpired'.
 */
import type { SessionTimerConfig } from '../config/session-timer-schema.js';
import type { Dialog, RequestOptions } from '../dialog/dialog.js';
import { checkInbound } from '../dialog/media-auth-check.js';
import { SessionRefresh } from '../dialog/session-refresh.js';
import type { SessionRefreshHost } from '../dialog/session-refresh.js';
import type { RefreshResult, SessionExpiryReason } from '../dialog/session-refresh.js';
import { applyUasTimerHeaders, minSEOf, requestTimerFields, sessionExpiresOf, sessionTimerRequestOf, timerRefusal } from '../dialog/session-timer-headers.js';
import { classifyBody } from '../interworking/body-parts.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { answerRefresh, timerFrom2xx } from '../policy/session-timer.js';
import type { AcceptVerdict, RefreshRequestVerdict, SessionTimerState } from '../policy/session-timer.js';
import { createResponse } from '../sip/build.js';
import type { HeaderField } from '../sip/header-list.js';
import type { ReasonValue } from '../sip/headers/header-types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { InviteClientTransaction } from '../transaction/invite-client.js';
import { TimeoutError } from '../transaction/timeout-error.js';
import type { ClientTransaction } from '../transaction/transaction-layer.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import type { Endpoint } from '../transport/transport.js';
import type { TimerHandle } from '../util/clock.js';
import { detached, ownedBytes } from '../util/detached.js';
import type { DialogOwner, LegContext } from './leg-context.js';

/**
 * Where a leg reports its events: its Call, the mediator (STYLE.md P7; legs never reference each other). An
 * interface the call implements rather than a closure per leg: a call lives for minutes, and a closure with its
 * context would live as long.
 */
export interface LegObserver<E> {
  onLegEvent(leg: Leg, event: E): void;
}

/** Inputs a leg reports to its Call (the mediator). */
export type LegEvent =
  | { readonly type: 'request'; readonly tx: ServerTransaction; readonly request: SipRequest }
  | { readonly type: 'ack'; readonly cseq: number; readonly ack: SipRequest }
  | { readonly type: 'ackTimeout'; readonly cseq: number }
  | { readonly type: 'bye'; readonly request: SipRequest; readonly reasons: readonly ReasonValue[] }
  /** RFC 4028 §10: the session of this leg expired (the peer never refreshed, or Tandem's refresh failed). */
  | { readonly type: 'sessionExpired'; readonly reason: SessionExpiryReason; readonly detail: string };

/** RFC 3313 `require` mode of a leg's trunk: the key and the called number tokens are bound to. */
export interface MediaAuthRequirement {
  readonly key: string;
  readonly called: string;
}

/** A body a leg sends with its own headers (Content-Disposition and the like), e.g. an ISUP REL (issue 5). */
export interface MessageBody {
  readonly body: Buffer;
  /** The Content-Type value, serialized. */
  readonly contentType: string;
  readonly headers: readonly HeaderField[];
}

interface Pending2xx {
  readonly tx: ServerTransaction;
  readonly response: SipResponse;
  interval: number;
  readonly deadline: number;
  timer: TimerHandle | undefined;
}

export abstract class Leg implements DialogOwner, SessionRefreshHost {
  protected readonly ctx: LegContext;
  protected readonly log: Logger;
  protected dialog: Dialog | undefined;
  protected closed = false;
  /** UAS: 2xx to INVITE sent, waiting for ACK, by CSeq number. */
  /** 2xx to INVITE awaiting their ACK, by CSeq; absent when none (an established leg keeps no empty maps). */
  #pending2xx: Map<number, Pending2xx> | undefined;
  /**
   * UAC: what the ACK of the latest 2xx to our INVITE carried; an ACK is generated again from it and the dialog for
   * each retransmission of that 2xx (§13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received
   * from the transaction layer") — the message itself is not kept. One is enough: a new INVITE waits for the
   * previous one's ACK (§14.1).
   */
  #lastAck: { readonly cseq: number; readonly body?: Buffer | undefined; readonly contentType?: string | undefined } | undefined;
  #lastAckTarget: Endpoint | undefined;
  /** Our pending outgoing re-INVITE, and the peer's pending incoming one (§14). */
  protected clientInvite: InviteClientTransaction | undefined;
  protected serverInvite: ServerTransaction | undefined;
  #serverInviteRequest: SipRequest | undefined;
  #registered: { callId: string; tag: string } | undefined;
  #isByeSent = false;
  readonly #observer: LegObserver<LegEvent>;
  /** This leg's trunk `sessionTimer` setting. */
  protected readonly sessionTimer: SessionTimerConfig;
  /** The leg's RFC 4028 machine, made when a 2xx first brings a session timer. */
  #refresh: SessionRefresh | undefined;
  /** Accepting session-timer verdicts on the peer's INVITE/UPDATE, waiting for this leg's 2xx, by CSeq number. */
  #uasTimers: Map<number, AcceptVerdict> | undefined;
  /** The last session description this leg sent (offer or answer): a refresh re-INVITE repeats it (§7.4). */
  /**
   * The last SDP this leg sent, as a latin1 string (byte for byte): it lives as long as the call, and a string costs
   * its length, where a Buffer of its own adds an ArrayBuffer and its backing store (and a pooled one pins its slab).
   */
  #lastSdp: { readonly text: string; readonly contentType: string } | undefined;
  /** Methods in the peer's Allow (undefined: it sent none). */
  #peerAllow: readonly string[] | undefined;

  /** RFC 3313 `require` on this leg's trunk: offers the peer sends in the dialog need a token for `called`. */
  readonly #mediaAuth: MediaAuthRequirement | undefined;

  protected constructor(
    ctx: LegContext,
    log: Logger,
    observer: LegObserver<LegEvent>,
    sessionTimer: SessionTimerConfig,
    mediaAuth: MediaAuthRequirement | undefined,
  ) {
    this.ctx = ctx;
    this.log = log;
    this.#observer = observer;
    this.sessionTimer = sessionTimer;
    this.#mediaAuth = mediaAuth;
  }

  /** Reports `event` to the call. */
  protected emit(event: LegEvent): void {
    this.#observer.onLegEvent(this, event);
  }

  /** Tandem's role in this leg's dialog: UAS on the inbound leg, UAC on the outbound one. */
  protected abstract readonly role: 'uas' | 'uac';

  /** Where in-dialog requests of this leg go. */
  protected abstract target(): Promise<Endpoint>;

  get isClosed(): boolean {
    return this.closed;
  }

  get isConfirmed(): boolean {
    return this.dialog?.state === 'Confirmed';
  }

  /** An INVITE of ours is pending on this leg (a relayed re-INVITE or a session refresh): a second must wait (§14.1). */
  get isInviteInProgress(): boolean {
    return this.clientInvite !== undefined;
  }

  /** The session timer in force on this leg (RFC 4028), or null for none. */
  get sessionTimerState(): SessionTimerState | null {
    return this.#refresh?.timer ?? null;
  }

  protected register(callId: string, localTag: string): void {
    if (this.#registered !== undefined) return;
    this.#registered = { callId, tag: localTag };
    this.ctx.registry.register(callId, localTag, this);
  }

  // ── inputs from the dialog registry ──────────────────────────────────────────────────────────────────────────

  onInDialogRequest(tx: ServerTransaction, request: SipRequest): void {
    const d = this.dialog;
    // §12.2.2: a request that matches no (live) dialog → 481.
    if (d === undefined || d.isTerminated || (d.remoteTag !== undefined && request.from.tag !== d.remoteTag)) {
      return this.reply(tx, request, 481);
    }
    // §12.2.2: lower CSeq than the last → 500.
    if (!d.acceptRemoteSeq(request)) return this.reply(tx, request, 500, [{ name: 'Retry-After', value: '1' }]);
    // RFC 3313 §5 (issue 6): on a `require` trunk an offer in a re-INVITE, UPDATE or PRACK needs a valid token too.
    if (this.#mediaAuth !== undefined && request.body.length > 0 && (request.method === 'INVITE' || request.method === 'UPDATE' || request.method === 'PRACK')) {
      const v = checkInbound({ mode: 'require', key: this.#mediaAuth.key, called: this.#mediaAuth.called, headers: request.headers, now: this.ctx.clock.wallNow() });
      if (!v.ok) {
        this.log.info({ method: request.method, why: v.text }, 'in-dialog offer refused: media authorization');
        return this.reply(tx, request, 403, v.headers, `Forbidden (${v.text.slice(0, 120)})`);
      }
    }
    switch (request.method) {
      case 'BYE':
        // §15.1.2: the UAS answers 200 and the session ends.
        this.reply(tx, request, 200);
        // §15.1.2: "The UAS MUST still respond to any pending requests received for that dialog. It is RECOMMENDED
        // that a 487 (Request Terminated) response be generated to those pending requests."
        if (this.serverInvite !== undefined && this.#serverInviteRequest !== undefined) {
          this.reply(this.serverInvite, this.#serverInviteRequest, 487);
          this.serverInvite = undefined;
        }
        d.terminate();
        this.emit({ type: 'bye', request, reasons: safeReasons(request, this.log, this.ctx.metrics) });
        return;
      case 'INVITE':
        // §14.2: "a UAS that receives a second INVITE before it sends the final response to a first INVITE with a
        // lower CSeq … MUST return a 500 … with a Retry-After"; "a UAS that receives an INVITE on a dialog while an
        // INVITE it had sent on that dialog is in progress MUST return a 491".
        if (this.clientInvite !== undefined) return this.reply(tx, request, 491);
        if (this.serverInvite !== undefined) {
          return this.reply(tx, request, 500, [{ name: 'Retry-After', value: String(Math.floor(Math.random() * 10)) }]);
        }
        if (!this.#acceptTimer(tx, request)) return;
        this.serverInvite = tx;
        this.#serverInviteRequest = request;
        if (tx.kind === 'InviteServer') {
          tx.on('terminated', () => {
            if (this.serverInvite === tx) this.serverInvite = undefined;
          });
          // The final response frees the dialog for the next INVITE (§14.2 counts "before it sends the final").
          tx.on('stateChange', (_from, to) => {
            if (to !== 'Proceeding' && this.serverInvite === tx) this.serverInvite = undefined;
          });
        }
        d.refreshTarget(request);
        this.emit({ type: 'request', tx, request });
        return;
      case 'UPDATE':
        // RFC 3311 §5.2: UPDATE is a target refresh request.
        if (d.state === 'Confirmed' && !this.#acceptTimer(tx, request)) return;
        d.refreshTarget(request);
        this.notePeerAllow(request);
        // RFC 4028 §7.4: an UPDATE without an offer in a confirmed dialog is a session refresh of this leg only;
        // Tandem answers it (the 2xx carries the timer and re-arms it) and the other leg never hears of it.
        if (d.state === 'Confirmed' && request.body.length === 0) return this.reply(tx, request, 200);
        this.emit({ type: 'request', tx, request });
        return;
      case 'OPTIONS':
        // In-dialog OPTIONS are answered by Tandem (brief): capabilities, no session change.
        return this.reply(tx, request, 200);
      case 'REFER':
        // Transfers are refused by default (brief): Tandem does not let one trunk redirect another's call.
        return this.reply(tx, request, 403, [], 'Forbidden (REFER not allowed)');
      case 'PRACK':
        return this.onPrack(tx, request);
      case 'INFO':
      case 'MESSAGE':
      case 'NOTIFY':
        this.emit({ type: 'request', tx, request });
        return;
      default:
        return this.reply(tx, request, 405, [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO, MESSAGE' }]);
    }
  }

  /** PRACK for a reliable provisional of ours; the inbound leg overrides. */
  protected onPrack(tx: ServerTransaction, request: SipRequest): void {
    this.reply(tx, request, 481);
  }

  onAck(ack: SipRequest): void {
    const cseq = ack.cseq.seq;
    const p = this.#pending2xx?.get(cseq);
    if (p === undefined) return; // a retransmitted ACK, or one for a 2xx we no longer track: absorbed (§13.3.1.4)
    p.timer?.cancel();
    this.#forget2xx(cseq);
    this.emit({ type: 'ack', cseq, ack });
  }

  onStray2xx(response: SipResponse): void {
    // §13.2.2.4: "the UAC core … MUST … pass [an ACK] to the transport layer" for every 2xx retransmission.
    const last = this.#lastAck;
    if (last === undefined || last.cseq !== response.cseq.seq) return;
    const ack = this.#buildAck(last.cseq, last.body, last.contentType);
    if (ack !== undefined) this.#sendAck(ack);
  }

  // ── commands from the Call ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends a final response on a server transaction of this leg; a 2xx to INVITE is retransmitted (UDP: from T1
   * doubling to T2) until its ACK arrives, for at most 64·T1 (§13.3.1.4), then 'ackTimeout' is reported.
   */
  respond(tx: ServerTransaction, response: SipResponse): void {
    const method = response.cseq.method;
    if (response.status >= 200 && (method === 'INVITE' || method === 'UPDATE')) {
      const v = this.#uasTimers?.get(response.cseq.seq);
      if (v !== undefined) {
        this.#uasTimers!.delete(response.cseq.seq);
        if (this.#uasTimers!.size === 0) this.#uasTimers = undefined;
        if (response.status < 300) {
          applyUasTimerHeaders(response.headers, v);
          this.armSessionTimer(v.timer);
        }
      }
    }
    if (response.body.length > 0) this.#noteSdp(response.body, response.headers.getRaw('Content-Type'));
    try {
      tx.respond(response);
    } catch (err: unknown) {
      this.log.warn({ err, status: response.status }, 'response not sent: transaction gone');
      return;
    }
    if (response.status < 200 || response.status >= 300 || response.cseq.method !== 'INVITE') return;
    const cseq = response.cseq.seq;
    const now = this.ctx.clock.now();
    const p: Pending2xx = { tx, response, interval: this.ctx.t1, deadline: now + 64 * this.ctx.t1, timer: undefined };
    (this.#pending2xx ??= new Map()).set(cseq, p);
    this.#arm2xx(cseq, p);
  }

  #forget2xx(cseq: number): void {
    this.#pending2xx?.delete(cseq);
    if (this.#pending2xx?.size === 0) this.#pending2xx = undefined;
  }

  #arm2xx(cseq: number, p: Pending2xx): void {
    const reliable = p.tx.isReliable;
    const wait = reliable ? p.deadline - this.ctx.clock.now() : Math.min(p.interval, p.deadline - this.ctx.clock.now());
    p.timer = this.ctx.clock.setTimer(Math.max(0, wait), () => {
      if (this.#pending2xx?.get(cseq) !== p) return;
      if (this.ctx.clock.now() >= p.deadline) {
        // §13.3.1.4: no ACK within 64·T1 → the dialog is confirmed but the session ends (BYE).
        this.#forget2xx(cseq);
        this.emit({ type: 'ackTimeout', cseq });
        return;
      }
      try {
        p.tx.respond(p.response);
      } catch {
        // the server transaction ended (Timer L): nothing left to retransmit on
      }
      p.interval = Math.min(p.interval * 2, this.ctx.t2);
      this.#arm2xx(cseq, p);
    });
  }

  /** Builds a response to `request` carrying our tag, Contact and Server (the Call relays through it). */
  buildResponse(request: SipRequest, status: number, extra: readonly HeaderField[] = [], reason?: string, body?: Buffer, contentType?: string): SipResponse {
    const headers: HeaderField[] = [...extra, { name: 'Server', value: this.ctx.userAgent }];
    if (body !== undefined && body.length > 0) headers.push({ name: 'Content-Type', value: contentType ?? 'application/sdp' });
    const res = createResponse(request, status, {
      ...(this.dialog === undefined ? {} : { toTag: this.dialog.localTag }),
      headers,
      ...(reason === undefined ? {} : { reason }),
      ...(body === undefined ? {} : { body }),
    });
    // §12.1.1: responses that establish or refresh a dialog carry our Contact.
    if (this.dialog !== undefined && status > 100 && status < 300 && (request.method === 'INVITE' || request.method === 'UPDATE' || request.method === 'SUBSCRIBE')) {
      res.headers.set('Contact', { isStar: false, contacts: [this.dialog.contact] });
    }
    return res;
  }

  /** Builds and sends a response on one of this leg's server transactions. */
  reply(tx: ServerTransaction, request: SipRequest, status: number, extra: readonly HeaderField[] = [], reason?: string): void {
    this.respond(tx, this.buildResponse(request, status, extra, reason));
  }

  /**
   * Sends a request inside the dialog. Rejects when the dialog is gone or the target cannot be reached. A re-INVITE
   * or UPDATE carries this leg's session-timer headers (RFC 4028 §7.2: it refreshes the session too) and its 2xx
   * re-arms the leg's timer.
   */
  async sendRequest(method: string, opts: RequestOptions = {}): Promise<ClientTransaction> {
    const refresh = this.#refresh;
    if ((method !== 'INVITE' && method !== 'UPDATE') || refresh === undefined || refresh.closed) return this.#sendInDialog(method, opts);
    const sent = refresh.headersForOwnRequest();
    const tx = await this.#sendInDialog(method, { ...opts, headers: [...(opts.headers ?? []), ...requestTimerFields(sent)] });
    tx.finalResponse.then(
      (r) => {
        if (r.status < 200 || r.status >= 300) return;
        const se = sessionExpiresOf(r);
        refresh.onOwnRequestAnswered(timerFrom2xx({ sent, response: se === undefined ? {} : { sessionExpires: se }, config: this.sessionTimer }));
      },
      () => undefined, // the Call hears of the failure through the same promise
    );
    return tx;
  }

  async #sendInDialog(method: string, opts: RequestOptions): Promise<ClientTransaction> {
    const d = this.dialog;
    if (d === undefined || (d.isTerminated && method !== 'BYE')) throw new Error(`no dialog on this leg for ${method}`);
    const request = d.createRequest(method, opts);
    request.headers.setRaw('User-Agent', this.ctx.userAgent);
    if (opts.body !== undefined && opts.body.length > 0) this.#noteSdp(opts.body, opts.contentType);
    const target = await this.target();
    const tx = this.ctx.transactions.sendRequest(request, target);
    if (tx.kind === 'InviteClient') {
      this.clientInvite = tx;
      const clear = (): void => {
        if (this.clientInvite === tx) this.clientInvite = undefined;
      };
      tx.on('final', clear);
      tx.on('terminated', clear);
      // §13.2.2.4: every 2xx to a re-INVITE is ACKed; the Call decides when (late offer: with the other leg's ACK body).
    }
    return tx;
  }

  /** Sends (or re-sends) the ACK for the 2xx to our INVITE with CSeq `cseq` (§13.2.2.4). */
  ack(cseq: number, body?: Buffer, contentType?: string): void {
    const ack = this.#buildAck(cseq, body, contentType);
    if (ack === undefined) return;
    if (body !== undefined && body.length > 0) this.#noteSdp(body, contentType);
    // (A late offer's answer: a copy, not a view of the datagram it came in.)
    this.#lastAck = {
      cseq,
      body: body === undefined ? undefined : ownedBytes(body),
      contentType: contentType === undefined ? undefined : detached(contentType),
    };
    this.#sendAck(ack);
  }

  #buildAck(cseq: number, body: Buffer | undefined, contentType: string | undefined): SipRequest | undefined {
    const ack = this.dialog?.createAck(cseq, body, contentType);
    ack?.headers.setRaw('User-Agent', this.ctx.userAgent);
    return ack;
  }

  #sendAck(ack: SipRequest): void {
    void this.target()
      .then((t) => {
        this.#lastAckTarget = t;
        return this.ctx.transactions.sendAck(ack, t);
      })
      .catch((err: unknown) => this.log.warn({ err }, 'ACK not sent'));
  }

  /**
   * Ends the dialog with BYE (§15.1.1), with the given Reason lines and, toward an ISUP trunk, a body (the REL, issue
   * 5); at most once per leg. Resolves when answered or timed out.
   */
  async bye(reasonLines: readonly HeaderField[] = [], body?: MessageBody): Promise<void> {
    const d = this.dialog;
    if (d === undefined || d.state !== 'Confirmed' || this.#isByeSent) return;
    this.#isByeSent = true;
    let tx: ClientTransaction;
    try {
      tx = await this.sendRequest(
        'BYE',
        body === undefined ? { headers: reasonLines } : { headers: [...reasonLines, ...body.headers], body: body.body, contentType: body.contentType },
      );
    } catch (err: unknown) {
      this.log.info({ err }, 'BYE not sent');
      d.terminate();
      return;
    }
    // §15: once BYE is sent the dialog takes no new requests; a BYE that fails still ends the session (§15.1.1).
    d.terminate();
    await tx.finalResponse.catch((err: unknown) => this.log.debug({ err }, 'BYE not answered'));
    // Nothing reads the BYE's answer again: the transaction lingers for Timer K without it.
    tx.releaseFinalResponse();
  }

  // ── session timers (RFC 4028) ────────────────────────────────────────────────────────────────────────────────

  /**
   * RFC 4028 §9 on a peer's INVITE/UPDATE: keeps the accepting verdict for this leg's 2xx, or answers 422 (with the
   * leg's Min-SE), 420 (Unsupported: timer on a trunk with timers off) or 400 (malformed timer headers) itself.
   * @returns false when the request was answered here.
   */
  #acceptTimer(tx: ServerTransaction, request: SipRequest): boolean {
    let verdict;
    try {
      verdict = answerRefresh(sessionTimerRequestOf(request, true), this.sessionTimer, this.#refresh?.timer ?? null);
    } catch (err: unknown) {
      this.reply(tx, request, 400, [], `Bad Request (${err instanceof Error ? err.message : 'malformed session-timer header'})`);
      return false;
    }
    if (verdict.action === 'accept') {
      (this.#uasTimers ??= new Map()).set(request.cseq.seq, verdict);
      return true;
    }
    this.log.info({ status: verdict.status }, verdict.reason);
    const { status, headers, phrase } = timerRefusal(verdict);
    this.reply(tx, request, status, headers, phrase);
    return false;
  }

  /** Keeps an accepting verdict for the 2xx this leg will send to the request with CSeq `seq` (initial INVITE). */
  protected expectUasTimer(seq: number, verdict: AcceptVerdict): void {
    (this.#uasTimers ??= new Map()).set(seq, verdict);
  }

  /**
   * A 2xx sent (Tandem UAS) or received (Tandem UAC) brought this leg's session timer, or none (`null`): start the
   * machine, or move its expiry (§10).
   */
  protected armSessionTimer(timer: SessionTimerState | null): void {
    if (this.closed || this.sessionTimer === 'off') return;
    let r = this.#refresh;
    if (r === undefined) {
      if (timer === null) return; // nothing to run, and nothing to allocate
      r = new SessionRefresh({
        clock: this.ctx.clock,
        role: this.role,
        settings: this.sessionTimer,
        peerAllow: this.#peerAllow,
        host: this,
        logger: this.log,
      });
      this.#refresh = r;
    }
    if (r.state === 'Idle') r.start(timer);
    else r.onRefreshReceived(timer);
  }

  /**
   * The peer's Allow, from its INVITE or 2xx and any target refresh since: decides UPDATE vs re-INVITE for
   * `refresh: auto` (RFC 4028 §7.4).
   */
  protected notePeerAllow(message: SipRequest | SipResponse): void {
    try {
      const allow = message.headers.get('Allow');
      if (allow === undefined) return;
      this.#peerAllow = allow;
      this.#refresh?.setPeerAllow(allow);
    } catch {
      // a malformed Allow changes nothing
    }
  }

  /** A body this leg sent outside its own request/response methods (the outbound leg's initial INVITE). */
  protected noteSentBody(body: Buffer, contentType: string | undefined): void {
    this.#noteSdp(body, contentType);
  }

  #noteSdp(body: Buffer, contentType: string | undefined): void {
    const ct = (contentType ?? 'application/sdp').toLowerCase();
    // Copies: the body and its type are views of the datagram they came in, which they would keep alive.
    if (ct.startsWith('application/sdp')) {
      this.#lastSdp = { text: body.toString('latin1'), contentType: ct === 'application/sdp' ? 'application/sdp' : detached(contentType ?? ct) };
    } else if (ct.startsWith('multipart/')) {
      // SIP-I/SIP-T: the SDP part of a multipart body; the ISUP part never rides a refresh.
      try {
        const sdp = classifyBody({ contentType: { type: 'multipart', subtype: 'mixed', params: [] }, body }).sdp;
        if (sdp !== undefined) this.#lastSdp = { text: sdp.toString('latin1'), contentType: 'application/sdp' };
      } catch {
        // not a body we can split: keep the previous SDP
      }
    }
  }

  /** @internal {@link SessionRefreshHost}: the session expired; the Call hears it as 'sessionExpired'. */
  sessionExpired(reason: SessionExpiryReason, _q850Cause: number, detail: string): void {
    this.emit({ type: 'sessionExpired', reason, detail });
  }

  /**
   * @internal {@link SessionRefreshHost}: sends one session refresh (RFC 4028 §7.4, §10) for the machine: UPDATE without a body, or re-INVITE repeating
   * the last SDP this leg sent (same o= version). Never two INVITEs at once on the dialog (RFC 3261 §14.1): while
   * one is pending in either direction the refresh reads as glare (491) and waits.
   */
  async sendRefresh(req: RefreshRequestVerdict): Promise<RefreshResult> {
    let method: 'INVITE' | 'UPDATE' = req.method;
    const sdp = this.#lastSdp;
    // A re-INVITE without an offer would ask the peer for one (late offer): UPDATE refreshes without touching media.
    if (method === 'INVITE' && sdp === undefined) method = 'UPDATE';
    if (method === 'INVITE' && (this.clientInvite !== undefined || this.serverInvite !== undefined)) return { status: 491 };
    let tx: ClientTransaction;
    try {
      tx = await this.#sendInDialog(method, {
        headers: requestTimerFields(req),
        ...(method === 'INVITE' && sdp !== undefined ? { body: Buffer.from(sdp.text, 'latin1'), contentType: sdp.contentType } : {}),
      });
    } catch (err: unknown) {
      this.log.info({ err }, 'session refresh not sent');
      return { error: 'transport' };
    }
    try {
      const r = await tx.finalResponse;
      // §13.2.2.4: the 2xx to our re-INVITE is ACKed by us (the offer was in the INVITE: no body).
      if (method === 'INVITE' && r.status >= 200 && r.status < 300) this.ack(r.cseq.seq);
      if (r.status >= 200 && r.status < 300) this.notePeerAllow(r);
      return { status: r.status, sessionExpires: sessionExpiresOf(r), minSE: minSEOf(r) };
    } catch (err: unknown) {
      return { error: err instanceof TimeoutError ? 'timeout' : 'transport' };
    }
  }

  /** Cancels every timer and leaves the registry. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.#pending2xx?.values() ?? []) p.timer?.cancel();
    this.#pending2xx = undefined;
    this.#refresh?.close();
    this.#uasTimers = undefined;
    this.dialog?.terminate();
    if (this.#registered !== undefined) {
      const { callId, tag } = this.#registered;
      const registry = this.ctx.registry;
      // Retransmitted 2xx, ACKs and requests still find the dialog for 64·T1 (the longest retransmission span) —
      // through a small stand-in (see {@link EndedDialog}), so the leg and its call are freed at once; the INVITE
      // client transaction, lingering in Accepted, passes retransmitted 2xx to it through the registry.
      const last = this.#lastAck;
      const dialog = this.dialog;
      const ack = last === undefined || dialog === undefined ? undefined : { dialog, ...last };
      registry.retire(callId, tag, new EndedDialog(this.ctx.transactions, this.ctx.userAgent, ack, this.#lastAckTarget));
    }
  }
}

/** What an {@link EndedDialog} needs to ACK a retransmitted 2xx again: the dialog and the last ACK's CSeq and body. */
export interface AckRecipe {
  readonly dialog: Dialog;
  readonly cseq: number;
  readonly body?: Buffer | undefined;
  readonly contentType?: string | undefined;
}

/**
 * What stays registered for a closed leg's dialog during 64·T1: a retransmitted 2xx to our INVITE is ACKed again
 * (§13.2.2.4), an ACK is absorbed, any other request gets 481 (§12.2.2: the dialog is gone).
 *
 * The ACK is built when such a 2xx arrives, which is rare, from the ended dialog (copied strings) and the last ACK's
 * record: a built ACK kept for 64·T1 per call was most of what an ended call left behind.
 */
export class EndedDialog implements DialogOwner {
  readonly #transactions: LegContext['transactions'];
  readonly #userAgent: string;
  readonly #ack: AckRecipe | undefined;
  readonly #target: Endpoint | undefined;

  constructor(transactions: LegContext['transactions'], userAgent: string, ack: AckRecipe | undefined, target: Endpoint | undefined) {
    this.#transactions = transactions;
    this.#userAgent = userAgent;
    this.#ack = ack;
    this.#target = target;
  }

  onInDialogRequest(tx: ServerTransaction, request: SipRequest): void {
    try {
      tx.respond(createResponse(request, 481, { headers: [{ name: 'Server', value: this.#userAgent }] }));
    } catch {
      // the transaction is gone: nothing to answer
    }
  }

  onAck(): void {
    // §13.3.1.4: an ACK for a 2xx we no longer retransmit is absorbed.
  }

  onStray2xx(response: SipResponse): void {
    const recipe = this.#ack;
    if (recipe === undefined || this.#target === undefined || recipe.cseq !== response.cseq.seq) return;
    const ack = recipe.dialog.createAck(recipe.cseq, recipe.body, recipe.contentType);
    ack.headers.setRaw('User-Agent', this.#userAgent);
    // sendAck is async: a send failure is a rejected promise, ignored (the next retransmission tries again).
    this.#transactions.sendAck(ack, this.#target).catch(() => undefined);
  }
}

/** Reason values of a request or response; a malformed Reason never fails a call (issue 4): logged and ignored. */
export function safeReasons(message: SipRequest | SipResponse, log: Logger, metrics?: Metrics): readonly ReasonValue[] {
  try {
    return message.headers.get('Reason') ?? [];
  } catch (err: unknown) {
    log.info({ err }, 'malformed Reason ignored');
    metrics?.inc('tandem_malformed_reason_total', 'Reason headers ignored for cause mapping because they are malformed');
    return [];
  }
}
