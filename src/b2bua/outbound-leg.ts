/**
 * The outbound leg (UAC side) of a call: an independent INVITE toward the egress trunk — new Call-ID, From tag,
 * Via branch, Contact and CSeq space (topology hiding). It follows every early dialog the INVITE forks into
 * (§13.2.2.4), PRACKs reliable provisionals (RFC 3262 §4), keeps the first 2xx and ACKs + BYEs any later one
 * (§13.2.2.4), runs Timer C while ringing (§16.6 advice: CANCEL after 3 minutes without a final answer), and
 * CANCELs on request once a provisional has arrived (§9.1).
 *
 *   Calling ──1xx──▶ Proceeding ──2xx──▶ Answered ──ACK sent──▶ Confirmed
 *      │  ▲               │
 *      │  └──422 + Min-SE (RFC 4028 §7.3: the INVITE again, new CSeq and branch, at most twice)
 *      └──────────── failure / timeout / transport error / Timer C ─────────▶ Failed
 *
 * Session timer (RFC 4028 §7): the INVITE carries Supported: timer and the egress trunk's Session-Expires (and
 * Min-SE above 90); the winning 2xx starts the leg's timer (`timerFrom2xx`: no Session-Expires in it makes Tandem
 * the refresher).
 */
import { randomInt } from 'node:crypto';
import type { SessionTimerConfig } from '../config/session-timer-schema.js';
import { Dialog } from '../dialog/dialog.js';
import { lazyChild } from '../observability/logger.js';
import { minSEOf, requestTimerFields, sessionExpiresOf } from '../dialog/session-timer-headers.js';
import { initialRequestTimer, retryAfter422, timerFrom2xx } from '../policy/session-timer.js';
import type { RequestTimerHeaders } from '../policy/session-timer.js';
import { HeaderList } from '../sip/header-list.js';
import type { HeaderField } from '../sip/header-list.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import { SipRequest } from '../sip/message.js';
import type { SipResponse } from '../sip/message.js';
import type { Uri } from '../sip/uri/uri-types.js';
import type { InviteClientTransaction } from '../transaction/invite-client.js';
import { NumericResolver } from '../transport/resolver.js';
import type { Endpoint } from '../transport/transport.js';
import type { TimerHandle } from '../util/clock.js';
import { newBranch, newCallId, newTag } from '../util/ids.js';
import type { LegEvent, LegObserver, MediaAuthRequirement } from './leg.js';
import { Leg } from './leg.js';
import type { LegContext } from './leg-context.js';

export type OutboundState = 'Calling' | 'Proceeding' | 'Answered' | 'Confirmed' | 'Failed';

/** Why an outbound attempt failed without (or with) a final response. */
export type FailureKind = 'response' | 'timeout' | 'transport' | 'timer-c';

export type OutboundEvent =
  | LegEvent
  | { readonly type: 'provisional'; readonly response: SipResponse; readonly isReliable: boolean }
  | { readonly type: 'answer'; readonly response: SipResponse }
  | { readonly type: 'failure'; readonly kind: FailureKind; readonly status: number; readonly response?: SipResponse };

export interface OutboundInit {
  readonly requestUri: Uri;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly maxForwards: number;
  readonly body?: Buffer;
  readonly contentType?: string;
  /** Headers crossing from the inbound leg (header policy applied by the Call). */
  readonly headers: readonly HeaderField[];
  readonly allow: readonly string[];
  readonly supported: readonly string[];
  /** The egress trunk's `sessionTimer` setting. */
  readonly sessionTimer: SessionTimerConfig;
  /** The egress trunk is in RFC 3313 `require` mode: offers from it in the dialog need a token. */
  readonly mediaAuth?: MediaAuthRequirement | undefined;
}

/** RFC 4028 §7.3 retries after 422 on one attempt: each must ask for more than the last, so two suffice. */
const MAX_422_RETRIES = 2;

const numeric = new NumericResolver();

export class OutboundLeg extends Leg {
  readonly trunk: string;
  readonly endpoint: Endpoint;
  readonly callId: string;
  readonly localTag = newTag();
  /**
   * The INVITE of this attempt as last sent, held until a 2xx answers it: from then on the dialog stands for it
   * (forks' late 2xx are ACKed and BYEd through `Dialog.forkOf`), and an established call keeps no message alive.
   */
  #invite: SipRequest | undefined;
  #inviteCseq: number;
  /** The session-timer headers of the INVITE in flight (RFC 4028 §7.1; after a 422, the retry's). */
  #sentTimer: RequestTimerHeaders;
  #retries422 = 0;
  protected readonly role = 'uac';
  #state: OutboundState = 'Calling';
  #ict: InviteClientTransaction | undefined;
  /** Early dialogs by remote tag while unanswered (forking, §12.1.2); absent once a 2xx picked the winner. */
  #forks: Map<string, Dialog> | undefined;
  #isCancelPending = false;
  #cancelHeaders: readonly HeaderField[] = [];
  #timerC: TimerHandle | undefined;
  readonly #observer: LegObserver<OutboundEvent>;

  constructor(ctx: LegContext, trunk: string, endpoint: Endpoint, init: OutboundInit, observer: LegObserver<OutboundEvent>) {
    const callId = newCallId();
    super(ctx, lazyChild(ctx.logger, { leg: 'out', trunk, callId }), observer, init.sessionTimer, init.mediaAuth);
    this.callId = callId;
    this.#observer = observer;
    this.trunk = trunk;
    this.endpoint = endpoint;
    const headers = new HeaderList();
    headers.set('Via', [{ protocol: 'SIP/2.0', transport: 'UDP', host: 'invalid.invalid', branch: newBranch(), params: [] }]);
    headers.set('Max-Forwards', init.maxForwards);
    headers.set('From', { ...init.from, tag: this.localTag });
    headers.set('To', init.to);
    headers.set('Call-ID', this.callId);
    headers.set('CSeq', { seq: randomInt(1, 2 ** 31), method: 'INVITE' });
    headers.set('Contact', { isStar: false, contacts: [ctx.contactFor(endpoint.protocol)] });
    headers.set('Allow', init.allow);
    // RFC 4028 §7.1: Supported: timer, Session-Expires without refresher, Min-SE when above 90.
    this.#sentTimer = initialRequestTimer(init.sessionTimer);
    const supported = this.#sentTimer.supportedTimer ? [...init.supported, 'timer'] : init.supported;
    if (supported.length > 0) headers.set('Supported', supported);
    if (this.#sentTimer.sessionExpires !== null) headers.set('Session-Expires', this.#sentTimer.sessionExpires);
    if (this.#sentTimer.minSE !== null) headers.set('Min-SE', this.#sentTimer.minSE);
    headers.setRaw('User-Agent', ctx.userAgent);
    for (const f of init.headers) headers.appendRaw(f.name, f.value);
    if (init.body !== undefined && init.body.length > 0) headers.setRaw('Content-Type', init.contentType ?? 'application/sdp');
    this.#invite = new SipRequest({
      method: 'INVITE',
      uri: init.requestUri,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    this.#inviteCseq = this.#invite.cseq.seq;
    this.register(this.callId, this.localTag);
  }

  /** Reports an event only an outbound leg has (provisional, answer, failure) to the call. */
  #emitOut(event: OutboundEvent): void {
    this.#observer.onLegEvent(this, event);
  }

  get state(): OutboundState {
    return this.#state;
  }

  /** The INVITE of this attempt as last sent (after a 422, the retry), while it is held (see `#invite`). */
  get invite(): SipRequest {
    if (this.#invite === undefined) throw new Error(`the INVITE of leg ${this.callId} is no longer held (${this.#state})`);
    return this.#invite;
  }

  /** CSeq number of the INVITE as last sent (its ACK and PRACKs name it). */
  get inviteCseq(): number {
    return this.#inviteCseq;
  }

  get hasProvisional(): boolean {
    return this.#state !== 'Calling';
  }

  protected async target(): Promise<Endpoint> {
    const d = this.dialog;
    if (d !== undefined) {
      try {
        const [first] = await numeric.resolve(d.routeSet[0]?.uri ?? d.remoteTarget);
        if (first !== undefined) return first;
      } catch {
        // the trunk's own address
      }
    }
    return this.endpoint;
  }

  /** Sends the INVITE (a new INVITE client transaction, §17.1.1). */
  start(): void {
    const invite = this.invite;
    if (invite.body.length > 0) this.noteSentBody(invite.body, invite.headers.getRaw('Content-Type'));
    this.#send();
  }

  #send(): void {
    let ict: InviteClientTransaction;
    try {
      ict = this.ctx.transactions.sendInvite(this.invite, this.endpoint);
    } catch (err: unknown) {
      this.log.warn({ err }, 'INVITE not sent');
      this.#fail('transport', 503);
      return;
    }
    this.#ict = ict;
    // After a 422 retry only the new transaction speaks for this leg.
    ict.on('provisional', (r) => ict === this.#ict && this.#onProvisional(r));
    ict.on('timeout', () => ict === this.#ict && this.#fail('timeout', 408));
    ict.on('transportError', () => ict === this.#ict && this.#fail('transport', 503));
    this.#watchFinals(ict);
  }

  /**
   * Final responses of `ict` go to #onFinal; when it ends (Timer M after the 2xx, Timer D after a failure), the leg
   * lets go of it.
   */
  #watchFinals(ict: InviteClientTransaction): void {
    ict.on('final', (r) => ict === this.#ict && this.#onFinal(r));
    ict.on('terminated', () => {
      if (this.#ict === ict) this.#ict = undefined;
    });
  }

  /**
   * RFC 4028 §7.3: a 422 names the Min-SE the callee wants; the INVITE goes again "with a new CSeq" (and so a new
   * transaction: new branch), Session-Expires and Min-SE raised per §7.4. Not when the caller has CANCELled, and
   * not more than {@link MAX_422_RETRIES} times.
   * @returns true when the INVITE was sent again.
   */
  #retry422(r: SipResponse): boolean {
    if (this.#isCancelPending || this.closed || this.#retries422 >= MAX_422_RETRIES) return false;
    const verdict = retryAfter422({ sent: this.#sentTimer, minSEIn422: minSEOf(r), config: this.sessionTimer });
    this.log.info({ minSE: minSEOf(r) }, verdict.reason);
    if (verdict.action !== 'retry') return false;
    this.#retries422 += 1;
    this.#sentTimer = verdict.headers;
    const prev = this.invite;
    const headers = new HeaderList();
    for (const f of prev.headers.fields) {
      if (f.name === 'Session-Expires' || f.name === 'Min-SE' || f.name === 'Via' || f.name === 'CSeq') continue;
      headers.appendRaw(f.name, f.value);
    }
    headers.prepend('Via', [{ protocol: 'SIP/2.0', transport: 'UDP', host: 'invalid.invalid', branch: newBranch(), params: [] }]);
    headers.set('CSeq', { seq: prev.cseq.seq + 1, method: 'INVITE' });
    for (const f of requestTimerFields({ ...verdict.headers, supportedTimer: false })) headers.appendRaw(f.name, f.value);
    this.#invite = new SipRequest({ method: 'INVITE', uri: prev.uri, headers, body: prev.body });
    this.#inviteCseq = this.#invite.cseq.seq;
    // The early dialogs of the refused INVITE are gone with it (§12.3: a non-2xx final ends them).
    for (const f of this.#forks?.values() ?? []) f.terminate();
    this.#forks = undefined;
    this.dialog = undefined;
    this.#state = 'Calling';
    this.#send();
    return true;
  }

  #onProvisional(r: SipResponse): void {
    if (this.#state === 'Failed' || this.closed) return;
    if (this.#state === 'Calling') this.#state = 'Proceeding';
    // §16.6 Timer C (advice for a B2BUA as for a proxy): restarted by every provisional.
    this.#armTimerC();
    if (this.#isCancelPending) {
      this.#sendCancel();
      return;
    }
    if (r.status === 100) return;
    const tag = r.to.tag;
    let isReliable = false;
    if (tag !== undefined) {
      let fork = this.#forks?.get(tag);
      if (fork === undefined) {
        fork = Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
        (this.#forks ??= new Map()).set(tag, fork);
      }
      this.dialog ??= fork;
      isReliable = this.#prackIfReliable(r, fork);
    }
    this.#emitOut({ type: 'provisional', response: r, isReliable });
  }

  /** RFC 3262 §4: a reliable provisional (Require: 100rel + RSeq) is acknowledged with PRACK carrying RAck. */
  #prackIfReliable(r: SipResponse, fork: Dialog): boolean {
    let rseq: number | undefined;
    let requires = false;
    try {
      requires = (r.headers.get('Require') ?? []).some((t) => t.toLowerCase() === '100rel');
      rseq = r.headers.get('RSeq');
    } catch {
      return false;
    }
    if (!requires || rseq === undefined) return false;
    const prack = fork.createRequest('PRACK', {
      headers: [{ name: 'RAck', value: `${rseq} ${this.#inviteCseq} INVITE` }],
    });
    prack.headers.setRaw('User-Agent', this.ctx.userAgent);
    void this.target()
      .then((t) => this.ctx.transactions.sendNonInvite(prack, t).finalResponse)
      .catch((err: unknown) => this.log.info({ err }, 'PRACK failed'));
    return true;
  }

  #onFinal(r: SipResponse): void {
    if (r.status >= 300) {
      this.#stopTimerC();
      if (this.#state === 'Failed') return;
      if (r.status === 422 && this.#retry422(r)) return;
      this.#state = 'Failed';
      this.dialog?.terminate();
      this.#emitOut({ type: 'failure', kind: 'response', status: r.status, response: r });
      return;
    }
    const tag = r.to.tag ?? '';
    if (this.#state === 'Answered' || this.#state === 'Confirmed') {
      if (this.dialog?.remoteTag === tag) {
        // A retransmission of the winning 2xx: re-ACK if the ACK went out (§13.2.2.4).
        this.onStray2xx(r);
        return;
      }
      // §13.2.2.4: a 2xx from another fork after the first: ACK it, then BYE it.
      this.#ackAndByeFork(r);
      return;
    }
    if (this.#state === 'Failed') {
      // A 2xx crossing our CANCEL or arriving after Timer C: accept it only to end it (ACK + BYE).
      this.#ackAndByeFork(r);
      return;
    }
    this.#stopTimerC();
    this.#state = 'Answered';
    let d = this.#forks?.get(tag);
    d ??= Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
    d.refreshTarget(r);
    d.confirm();
    this.dialog = d;
    // From here the dialog stands for the INVITE and its 2xx: neither stays for the transaction's 64·T1 linger.
    this.#invite = undefined;
    const ict = this.#ict;
    if (ict !== undefined) {
      ict.releaseFinalResponse();
      // RFC 6026 §7.2 Accepted: only further 2xx (retransmissions, other forks) and the end reach the leg now.
      ict.removeAllListeners();
      this.#watchFinals(ict);
    }
    for (const [t, f] of this.#forks ?? []) if (t !== tag) f.terminate();
    // The winner is `this.dialog` from now on; later 2xx of other forks are ACKed and BYEd without a fork entry.
    this.#forks = undefined;
    if (this.#isCancelPending) {
      // The 2xx crossed our CANCEL (§9.1): the call is over for us — ACK and BYE. §9.1: "the UAC … will receive
      // the 2xx … the UAC MUST … ACK [it] … and then end the call with BYE"; the Call still hears that this attempt
      // is over (it waits for it to release the call and its admission slots).
      this.ack(this.#inviteCseq);
      this.#state = 'Failed';
      void this.bye();
      this.#emitOut({ type: 'failure', kind: 'response', status: r.status });
      return;
    }
    // RFC 4028 §7.2: the 2xx sets this leg's session timer (none in it: Tandem refreshes with what it asked for).
    this.notePeerAllow(r);
    const se = sessionExpiresOf(r);
    this.armSessionTimer(timerFrom2xx({ sent: this.#sentTimer, response: se === undefined ? {} : { sessionExpires: se }, config: this.sessionTimer }));
    this.#emitOut({ type: 'answer', response: r });
  }

  #ackAndByeFork(r: SipResponse): void {
    const winner = this.dialog;
    const d =
      this.#invite === undefined && winner !== undefined
        ? Dialog.forkOf(winner, this.#inviteCseq, r)
        : Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
    const ack = d.createAck(this.#inviteCseq);
    const bye = d.createRequest('BYE');
    void (async () => {
      const t = (await numeric.resolve(d.remoteTarget).catch(() => [this.endpoint]))[0] ?? this.endpoint;
      await this.ctx.transactions.sendAck(ack, t);
      await this.ctx.transactions.sendNonInvite(bye, t).finalResponse;
    })().catch((err: unknown) => this.log.debug({ err }, 'extra fork not cleanly ended'));
  }

  /** Marks the ACK for the winning 2xx sent (called by the Call, possibly with the caller's late-offer answer). */
  ackAnswer(body?: Buffer, contentType?: string): void {
    if (this.#state === 'Answered') this.#state = 'Confirmed';
    this.ack(this.#inviteCseq, body, contentType);
  }

  #stopTimerC(): void {
    this.#timerC?.cancel();
    this.#timerC = undefined;
  }

  #armTimerC(): void {
    this.#timerC?.cancel();
    this.#timerC = this.ctx.clock.setTimer(this.ctx.timerCMs, () => {
      if (this.#state !== 'Proceeding' && this.#state !== 'Calling') return;
      this.log.info('Timer C fired: cancelling the unanswered INVITE');
      this.#sendCancel();
      this.#fail('timer-c', 408);
    });
  }

  /**
   * §9.1: CANCEL the INVITE — at once when a provisional has arrived, else as soon as one does (a CANCEL before
   * any response must not be sent). `headers` carries the Reason received from the caller (RFC 3326).
   */
  cancel(headers: readonly HeaderField[] = []): void {
    this.#cancelHeaders = headers;
    if (this.#state === 'Answered' || this.#state === 'Confirmed') return;
    this.#isCancelPending = true;
    if (this.#state === 'Proceeding') this.#sendCancel();
  }

  #sendCancel(): void {
    const ict = this.#ict;
    if (ict === undefined) return;
    const cancel = ict.buildCancel();
    for (const f of this.#cancelHeaders) cancel.headers.appendRaw(f.name, f.value);
    cancel.headers.setRaw('User-Agent', this.ctx.userAgent);
    try {
      void this.ctx.transactions
        .sendNonInvite(cancel, this.endpoint)
        .finalResponse.catch((err: unknown) => this.log.debug({ err }, 'CANCEL not answered'));
    } catch (err: unknown) {
      this.log.debug({ err }, 'CANCEL not sent');
    }
  }

  #fail(kind: FailureKind, status: number): void {
    this.#stopTimerC();
    if (this.#state === 'Failed' || this.#state === 'Answered' || this.#state === 'Confirmed') return;
    this.#state = 'Failed';
    this.#emitOut({ type: 'failure', kind, status });
  }

  override close(): void {
    this.#stopTimerC();
    super.close();
    // The INVITE transaction lives on until Timer M (64·T1) to pass on retransmitted 2xx. With no listener left it
    // passes them to the transaction user as stray responses, which the registry hands to this dialog's stand-in
    // (it re-sends the ACK): the transaction no longer keeps this leg, its call, or a listener of its own.
    // Before a 2xx was taken (still ringing, or failed by CANCEL or Timer C) a late 2xx must still reach #onFinal to be
    // ACKed and BYEd, so the leg stays attached until the transaction ends.
    const ict = this.#ict;
    if (ict !== undefined && (this.#state === 'Answered' || this.#state === 'Confirmed')) {
      this.#ict = undefined;
      ict.removeAllListeners();
    }
  }
}

