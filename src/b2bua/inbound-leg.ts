/**
 * The inbound leg (UAS side) of a call: it answers the INVITE that arrived on the ingress trunk. On top of the
 * dialog usage of {@link Leg} it sends provisional responses — reliably per RFC 3262 when the caller supports or
 * requires 100rel, retransmitting them (T1 doubling, 64·T1 in all) until PRACKed — and holds the 2xx until every
 * reliable provisional is PRACKed (§3: the UAS MUST NOT send a final response before the PRACK for a reliable
 * provisional carrying an offer; Tandem waits for all, which also keeps RSeq ordering simple).
 *
 *   Proceeding ──provisional(tag)──▶ Early ──answer──▶ Answered (2xx, waiting ACK) ──ACK──▶ Confirmed
 *        └──────────────reject / CANCEL (487)──────────────▶ Terminated
 */
import { randomInt } from 'node:crypto';
import type { SessionTimerConfig } from '../config/session-timer-schema.js';
import { Dialog } from '../dialog/dialog.js';
import { lazyChild } from '../observability/logger.js';
import type { AcceptVerdict } from '../policy/session-timer.js';
import type { HeaderField } from '../sip/header-list.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import { NumericResolver } from '../transport/resolver.js';
import type { Endpoint, Source } from '../transport/transport.js';
import { isReliable } from '../transport/transport.js';
import type { TimerHandle } from '../util/clock.js';
import { detached } from '../util/detached.js';
import { newTag } from '../util/ids.js';
import type { LegEvent, LegObserver, MediaAuthRequirement, MessageBody } from './leg.js';
import { Leg } from './leg.js';
import type { LegContext } from './leg-context.js';

export type InboundState = 'Proceeding' | 'Early' | 'Answered' | 'Confirmed' | 'Rejected';

interface ReliableProvisional {
  readonly rseq: number;
  readonly response: SipResponse;
  interval: number;
  readonly deadline: number;
  timer: TimerHandle | undefined;
}

const numeric = new NumericResolver();

/** `tag` is listed in the message's `name` header (a malformed header lists nothing: it was refused at the door). */
function hasOptionTag(m: SipRequest, name: 'Supported' | 'Require', tag: string): boolean {
  try {
    return (m.headers.get(name) ?? []).some((t) => t.toLowerCase() === tag);
  } catch {
    return false;
  }
}

/** What answering the INVITE needs: let go once the 2xx is ACKed or a failure sent ({@link InboundLeg.invite}). */
interface Setup {
  readonly invite: SipRequest;
  readonly ist: InviteServerTransaction;
}

export class InboundLeg extends Leg {
  readonly callId: string;
  /** CSeq number of the caller's INVITE (its ACK and PRACKs name it). */
  readonly inviteCseq: number;
  readonly source: Source;
  /**
   * The INVITE and its server transaction while the INVITE is being answered. A confirmed dialog needs neither (the
   * transaction layer absorbs retransmissions, the Dialog holds the dialog state), so they are let go once the 2xx
   * is ACKed or a failure is sent: an established call keeps no parsed message alive.
   */
  #setup: Setup | undefined;
  readonly localTag = newTag();
  #state: InboundState = 'Proceeding';
  #rseq = randomInt(1, 2 ** 31);
  #reliable: ReliableProvisional | undefined;
  #queued: SipResponse[] = [];
  #held2xx: SipResponse | undefined;

  protected readonly role = 'uas';

  /**
   * @param sessionTimer the ingress trunk's setting and the verdict on this INVITE (RFC 4028 §9, decided before the
   *   call was admitted): its headers go on the 2xx, which starts the leg's session timer.
   */
  constructor(
    ctx: LegContext,
    ist: InviteServerTransaction,
    invite: SipRequest,
    source: Source,
    observer: LegObserver<LegEvent>,
    sessionTimer: { readonly config: SessionTimerConfig; readonly verdict: AcceptVerdict },
    mediaAuth?: MediaAuthRequirement,
  ) {
    // A copy: the leg outlives its INVITE, whose header section a plain Call-ID would keep alive.
    const callId = detached(invite.callId);
    super(ctx, lazyChild(ctx.logger, { leg: 'in', callId }), observer, sessionTimer.config, mediaAuth);
    this.callId = callId;
    this.inviteCseq = invite.cseq.seq;
    this.requires100rel = hasOptionTag(invite, 'Require', '100rel');
    this.supports100rel = this.requires100rel || hasOptionTag(invite, 'Supported', '100rel');
    this.#setup = { invite, ist };
    this.source = source;
    this.expectUasTimer(invite.cseq.seq, sessionTimer.verdict);
    this.notePeerAllow(invite);
    this.register(callId, this.localTag);
  }

  get state(): InboundState {
    return this.#state;
  }

  /**
   * The caller's INVITE, while it is being answered (the Call builds the outbound INVITE from it). Reading it after
   * the final response is a programming error: the message is no longer held.
   */
  get invite(): SipRequest {
    if (this.#setup === undefined) throw new Error(`the INVITE of call ${this.callId} is no longer held (${this.#state})`);
    return this.#setup.invite;
  }

  /** The final response has been sent (2xx or failure). */
  get isFinal(): boolean {
    return this.#state === 'Answered' || this.#state === 'Confirmed' || this.#state === 'Rejected';
  }

  /** RFC 3262 §3/§4: the caller listed 100rel in Supported or Require. */
  readonly supports100rel: boolean;
  /** RFC 3262 §4: the caller listed 100rel in Require. */
  readonly requires100rel: boolean;

  #ensureDialog(): Dialog {
    this.dialog ??= Dialog.asUas(this.invite, this.localTag, this.ctx.contactFor(this.source.protocol), randomInt(1, 2 ** 31));
    return this.dialog;
  }

  protected async target(): Promise<Endpoint> {
    // Requests toward the caller follow the flow its INVITE came on when that is a connection (TCP/TLS: RFC 3261
    // §18.2.2 reuse; RFC 5923 spirit), else its Contact; a Contact we cannot resolve falls back to the source.
    if (isReliable(this.source.protocol)) {
      return { protocol: this.source.protocol, address: this.source.remote.address, port: this.source.remote.port };
    }
    const d = this.dialog;
    if (d !== undefined) {
      try {
        const [first] = await numeric.resolve(d.routeSet[0]?.uri ?? d.remoteTarget);
        if (first !== undefined) return first;
      } catch {
        // fall through
      }
    }
    return { protocol: this.source.protocol, address: this.source.remote.address, port: this.source.remote.port };
  }

  /**
   * Sends a provisional response (101–199). Reliable (RFC 3262 §3: Require: 100rel, RSeq) when `reliable` and the
   * caller supports 100rel; one reliable provisional is outstanding at a time, later ones wait their turn.
   */
  provisional(status: number, reason: string, headers: readonly HeaderField[], body?: Buffer, contentType?: string, reliable = false): void {
    if (this.isFinal || this.closed) return;
    this.#ensureDialog();
    this.#state = 'Early';
    const isReliableSend = reliable && this.supports100rel;
    const extra: HeaderField[] = [...headers];
    if (isReliableSend) extra.push({ name: 'Require', value: '100rel' });
    const res = this.buildResponse(this.invite, status, extra, reason, body, contentType);
    if (!isReliableSend) {
      this.respond(this.#setup!.ist, res);
      return;
    }
    if (this.#reliable !== undefined) {
      this.#queued.push(res);
      return;
    }
    this.#sendReliable(res);
  }

  #sendReliable(res: SipResponse): void {
    // RFC 3262 §3: RSeq starts anywhere in 1..2^31-1 and grows by one for each reliable provisional.
    const rseq = this.#rseq++;
    res.headers.set('RSeq', rseq);
    const now = this.ctx.clock.now();
    const r: ReliableProvisional = { rseq, response: res, interval: this.ctx.t1, deadline: now + 64 * this.ctx.t1, timer: undefined };
    this.#reliable = r;
    this.respond(this.#setup!.ist, res);
    this.#armReliable(r);
  }

  #armReliable(r: ReliableProvisional): void {
    r.timer = this.ctx.clock.setTimer(Math.min(r.interval, Math.max(0, r.deadline - this.ctx.clock.now())), () => {
      const setup = this.#setup;
      if (this.#reliable !== r || this.isFinal || setup === undefined) return;
      if (this.ctx.clock.now() >= r.deadline) {
        // RFC 3262 §3: no PRACK within 64·T1 → "the UAS SHOULD reject the original request with a 5xx response".
        this.#reliable = undefined;
        this.log.info({ rseq: r.rseq }, 'reliable provisional never PRACKed');
        this.emit({ type: 'ackTimeout', cseq: -1 });
        return;
      }
      this.respond(setup.ist, r.response);
      r.interval *= 2;
      this.#armReliable(r);
    });
  }

  /** RFC 3262 §3: a PRACK whose RAck matches the outstanding reliable provisional stops its retransmission; 200. */
  protected override onPrack(tx: ServerTransaction, request: SipRequest): void {
    let rack;
    try {
      rack = request.headers.get('RAck');
    } catch {
      rack = undefined;
    }
    const r = this.#reliable;
    if (rack === undefined || r === undefined || rack.rseq !== r.rseq || rack.cseq !== this.inviteCseq) {
      // §7.2: "If the PRACK does not match any unacknowledged reliable provisional response, the UAS MUST respond
      // to the PRACK with a 481".
      this.reply(tx, request, 481);
      return;
    }
    r.timer?.cancel();
    this.#reliable = undefined;
    this.reply(tx, request, 200);
    if (request.body.length > 0) this.emit({ type: 'request', tx, request });
    const next = this.#queued.shift();
    if (next !== undefined) this.#sendReliable(next);
    else if (this.#held2xx !== undefined) {
      const res = this.#held2xx;
      this.#held2xx = undefined;
      this.#send2xx(res);
    }
  }

  /** The 2xx to the INVITE; held while a reliable provisional is un-PRACKed (RFC 3262 §3). */
  answer(headers: readonly HeaderField[], body?: Buffer, contentType?: string): void {
    if (this.isFinal || this.closed) return;
    this.#ensureDialog();
    const res = this.buildResponse(this.invite, 200, headers, undefined, body, contentType);
    this.#state = 'Answered';
    if (this.#reliable !== undefined || this.#queued.length > 0) {
      this.#held2xx = res;
      return;
    }
    this.#send2xx(res);
  }

  #send2xx(res: SipResponse): void {
    this.dialog?.confirm();
    this.respond(this.#setup!.ist, res);
  }

  override onAck(ack: SipRequest): void {
    if (this.#state === 'Answered' && ack.cseq.seq === this.inviteCseq) {
      this.#state = 'Confirmed';
      this.#setup = undefined;
    }
    super.onAck(ack);
  }

  /** A final failure response to the INVITE; `body` (a REL toward a SIP-I caller, issue 5) with its own headers. */
  reject(status: number, reason: string | undefined, headers: readonly HeaderField[], body?: MessageBody): void {
    if (this.isFinal || this.closed) return;
    this.#state = 'Rejected';
    this.#reliable?.timer?.cancel();
    this.#reliable = undefined;
    this.#queued = [];
    const res =
      body === undefined
        ? this.buildResponse(this.invite, status, headers, reason)
        : this.buildResponse(this.invite, status, [...headers, ...body.headers], reason, body.body, body.contentType);
    if (this.dialog === undefined) res.headers.set('To', { ...this.invite.to, tag: this.localTag });
    this.dialog?.terminate();
    this.respond(this.#setup!.ist, res);
    this.#setup = undefined;
  }

  override close(): void {
    this.#reliable?.timer?.cancel();
    this.#reliable = undefined;
    this.#setup = undefined;
    super.close();
  }
}
