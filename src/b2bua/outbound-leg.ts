/**
 * The outbound leg (UAC side) of a call: an independent INVITE toward the egress trunk — new Call-ID, From tag,
 * Via branch, Contact and CSeq space (topology hiding). It follows every early dialog the INVITE forks into
 * (§13.2.2.4), PRACKs reliable provisionals (RFC 3262 §4), keeps the first 2xx and ACKs + BYEs any later one
 * (§13.2.2.4), runs Timer C while ringing (§16.6 advice: CANCEL after 3 minutes without a final answer), and
 * CANCELs on request once a provisional has arrived (§9.1).
 *
 *   Calling ──1xx──▶ Proceeding ──2xx──▶ Answered ──ACK sent──▶ Confirmed
 *      └──────────── failure / timeout / transport error / Timer C ─────────▶ Failed
 */
import { randomInt } from 'node:crypto';
import { Dialog } from '../dialog/dialog.js';
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
import type { LegEvent } from './leg.js';
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
}

const numeric = new NumericResolver();

export class OutboundLeg extends Leg {
  readonly trunk: string;
  readonly endpoint: Endpoint;
  readonly callId = newCallId();
  readonly localTag = newTag();
  readonly invite: SipRequest;
  #state: OutboundState = 'Calling';
  #ict: InviteClientTransaction | undefined;
  #forks = new Map<string, Dialog>();
  #isCancelPending = false;
  #cancelHeaders: readonly HeaderField[] = [];
  #timerC: TimerHandle | undefined;
  readonly #emitOut: (e: OutboundEvent) => void;

  constructor(ctx: LegContext, trunk: string, endpoint: Endpoint, init: OutboundInit, emit: (e: OutboundEvent) => void) {
    super(ctx, ctx.logger.child({ leg: 'out', trunk }), emit);
    this.#emitOut = emit;
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
    if (init.supported.length > 0) headers.set('Supported', init.supported);
    headers.setRaw('User-Agent', ctx.userAgent);
    for (const f of init.headers) headers.appendRaw(f.name, f.value);
    if (init.body !== undefined && init.body.length > 0) headers.setRaw('Content-Type', init.contentType ?? 'application/sdp');
    this.invite = new SipRequest({
      method: 'INVITE',
      uri: init.requestUri,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    this.register(this.callId, this.localTag);
  }

  get state(): OutboundState {
    return this.#state;
  }

  /** The top Via branch of our INVITE (loop detection looks for it in inbound INVITEs). */
  get branch(): string | undefined {
    return this.invite.branch;
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
    let ict: InviteClientTransaction;
    try {
      ict = this.ctx.transactions.sendInvite(this.invite, this.endpoint);
    } catch (err: unknown) {
      this.log.warn({ err }, 'INVITE not sent');
      this.#fail('transport', 503);
      return;
    }
    this.#ict = ict;
    ict.on('provisional', (r) => this.#onProvisional(r));
    ict.on('final', (r) => this.#onFinal(r));
    ict.on('timeout', () => this.#fail('timeout', 408));
    ict.on('transportError', () => this.#fail('transport', 503));
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
      let fork = this.#forks.get(tag);
      if (fork === undefined) {
        fork = Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
        this.#forks.set(tag, fork);
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
      headers: [{ name: 'RAck', value: `${rseq} ${this.invite.cseq.seq} INVITE` }],
    });
    prack.headers.setRaw('User-Agent', this.ctx.userAgent);
    void this.target()
      .then((t) => this.ctx.transactions.sendNonInvite(prack, t).finalResponse)
      .catch((err: unknown) => this.log.info({ err }, 'PRACK failed'));
    return true;
  }

  #onFinal(r: SipResponse): void {
    if (r.status >= 300) {
      this.#timerC?.cancel();
      if (this.#state === 'Failed') return;
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
    this.#timerC?.cancel();
    this.#state = 'Answered';
    let d = this.#forks.get(tag);
    if (d === undefined) {
      d = Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
      this.#forks.set(tag, d);
    }
    d.refreshTarget(r);
    d.confirm();
    this.dialog = d;
    for (const [t, f] of this.#forks) if (t !== tag) f.terminate();
    if (this.#isCancelPending) {
      // The 2xx crossed our CANCEL (§9.1): the call is over for us — ACK and BYE. §9.1: "the UAC … will receive
      // the 2xx … the UAC MUST … ACK [it] … and then end the call with BYE"; the Call still hears that this attempt
      // is over (it waits for it to release the call and its admission slots).
      this.ack(this.invite.cseq.seq);
      this.#state = 'Failed';
      void this.bye();
      this.#emitOut({ type: 'failure', kind: 'response', status: r.status });
      return;
    }
    this.#emitOut({ type: 'answer', response: r });
  }

  #ackAndByeFork(r: SipResponse): void {
    const d = Dialog.asUac(this.invite, r, this.ctx.contactFor(this.endpoint.protocol));
    const ack = d.createAck(this.invite.cseq.seq);
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
    this.ack(this.invite.cseq.seq, body, contentType);
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
    this.#timerC?.cancel();
    if (this.#state === 'Failed' || this.#state === 'Answered' || this.#state === 'Confirmed') return;
    this.#state = 'Failed';
    this.#emitOut({ type: 'failure', kind, status });
  }

  override close(): void {
    this.#timerC?.cancel();
    super.close();
  }
}

