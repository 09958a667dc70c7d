/**
 * What both legs of a call share: one dialog usage (RFC 3261 §12–§14) — in-dialog requests in both directions,
 * BYE, the UAS duty of retransmitting a 2xx to INVITE until its ACK (§13.3.1.4), the UAC duty of ACKing every 2xx
 * (§13.2.2.4), and re-INVITE glare (§14.2: 491 while our own INVITE is pending, 500 with Retry-After while theirs
 * is). A leg turns SIP into {@link LegEvent}s for its Call and takes commands back; it never sees the other leg
 * (STYLE.md P7).
 *
 * States: Idle ──(dialog)──▶ Early ──▶ Confirmed ──BYE/failure──▶ Terminated (close(): timers cancelled,
 * dialog unregistered; idempotent).
 */
import type { Dialog, RequestOptions } from '../dialog/dialog.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createResponse } from '../sip/build.js';
import type { HeaderField } from '../sip/header-list.js';
import type { ReasonValue } from '../sip/headers/header-types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { InviteClientTransaction } from '../transaction/invite-client.js';
import type { ClientTransaction } from '../transaction/transaction-layer.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import type { Endpoint } from '../transport/transport.js';
import type { TimerHandle } from '../util/clock.js';
import type { DialogOwner, LegContext } from './leg-context.js';

/** Inputs a leg reports to its Call (the mediator). */
export type LegEvent =
  | { readonly type: 'request'; readonly tx: ServerTransaction; readonly request: SipRequest }
  | { readonly type: 'ack'; readonly cseq: number; readonly ack: SipRequest }
  | { readonly type: 'ackTimeout'; readonly cseq: number }
  | { readonly type: 'bye'; readonly request: SipRequest; readonly reasons: readonly ReasonValue[] };

interface Pending2xx {
  readonly tx: ServerTransaction;
  readonly response: SipResponse;
  interval: number;
  readonly deadline: number;
  timer: TimerHandle | undefined;
}

export abstract class Leg implements DialogOwner {
  protected readonly ctx: LegContext;
  protected readonly log: Logger;
  protected dialog: Dialog | undefined;
  protected closed = false;
  /** UAS: 2xx to INVITE sent, waiting for ACK, by CSeq number. */
  readonly #pending2xx = new Map<number, Pending2xx>();
  /** UAC: ACKs sent, by INVITE CSeq number (re-sent for each 2xx retransmission). */
  readonly #acksSent = new Map<number, SipRequest>();
  /** Our pending outgoing re-INVITE, and the peer's pending incoming one (§14). */
  protected clientInvite: InviteClientTransaction | undefined;
  protected serverInvite: ServerTransaction | undefined;
  #serverInviteRequest: SipRequest | undefined;
  #registered: { callId: string; tag: string } | undefined;
  #isByeSent = false;
  protected readonly emit: (event: LegEvent) => void;

  protected constructor(ctx: LegContext, log: Logger, emit: (event: LegEvent) => void) {
    this.ctx = ctx;
    this.log = log;
    this.emit = emit;
  }

  /** Where in-dialog requests of this leg go. */
  protected abstract target(): Promise<Endpoint>;

  get isClosed(): boolean {
    return this.closed;
  }

  get isConfirmed(): boolean {
    return this.dialog?.state === 'Confirmed';
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
        d.refreshTarget(request);
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
    const p = this.#pending2xx.get(cseq);
    if (p === undefined) return; // a retransmitted ACK, or one for a 2xx we no longer track: absorbed (§13.3.1.4)
    p.timer?.cancel();
    this.#pending2xx.delete(cseq);
    this.emit({ type: 'ack', cseq, ack });
  }

  onStray2xx(response: SipResponse): void {
    // §13.2.2.4: "the UAC core … MUST … pass [an ACK] to the transport layer" for every 2xx retransmission.
    const ack = this.#acksSent.get(response.cseq.seq);
    if (ack !== undefined) this.#sendAck(ack);
  }

  // ── commands from the Call ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends a final response on a server transaction of this leg; a 2xx to INVITE is retransmitted (UDP: from T1
   * doubling to T2) until its ACK arrives, for at most 64·T1 (§13.3.1.4), then 'ackTimeout' is reported.
   */
  respond(tx: ServerTransaction, response: SipResponse): void {
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
    this.#pending2xx.set(cseq, p);
    this.#arm2xx(cseq, p);
  }

  #arm2xx(cseq: number, p: Pending2xx): void {
    const reliable = p.tx.isReliable;
    const wait = reliable ? p.deadline - this.ctx.clock.now() : Math.min(p.interval, p.deadline - this.ctx.clock.now());
    p.timer = this.ctx.clock.setTimer(Math.max(0, wait), () => {
      if (this.#pending2xx.get(cseq) !== p) return;
      if (this.ctx.clock.now() >= p.deadline) {
        // §13.3.1.4: no ACK within 64·T1 → the dialog is confirmed but the session ends (BYE).
        this.#pending2xx.delete(cseq);
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

  /** Sends a request inside the dialog. Rejects when the dialog is gone or the target cannot be reached. */
  async sendRequest(method: string, opts: RequestOptions = {}): Promise<ClientTransaction> {
    const d = this.dialog;
    if (d === undefined || (d.isTerminated && method !== 'BYE')) throw new Error(`no dialog on this leg for ${method}`);
    const request = d.createRequest(method, opts);
    request.headers.setRaw('User-Agent', this.ctx.userAgent);
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
    const d = this.dialog;
    if (d === undefined) return;
    const ack = d.createAck(cseq, body, contentType);
    ack.headers.setRaw('User-Agent', this.ctx.userAgent);
    this.#acksSent.set(cseq, ack);
    this.#sendAck(ack);
  }

  #sendAck(ack: SipRequest): void {
    void this.target()
      .then((t) => this.ctx.transactions.sendAck(ack, t))
      .catch((err: unknown) => this.log.warn({ err }, 'ACK not sent'));
  }

  /** Ends the dialog with BYE (§15.1.1), with the given Reason lines; resolves when answered or timed out. */
  async bye(reasonLines: readonly HeaderField[] = []): Promise<void> {
    const d = this.dialog;
    if (d === undefined || d.state !== 'Confirmed' || this.#isByeSent) return;
    this.#isByeSent = true;
    let tx: ClientTransaction;
    try {
      tx = await this.sendRequest('BYE', { headers: reasonLines });
    } catch (err: unknown) {
      this.log.info({ err }, 'BYE not sent');
      d.terminate();
      return;
    }
    // §15: once BYE is sent the dialog takes no new requests; a BYE that fails still ends the session (§15.1.1).
    d.terminate();
    await tx.finalResponse.catch((err: unknown) => this.log.debug({ err }, 'BYE not answered'));
  }

  /** Cancels every timer and leaves the registry. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.#pending2xx.values()) p.timer?.cancel();
    this.#pending2xx.clear();
    this.dialog?.terminate();
    if (this.#registered !== undefined) {
      const r = this.#registered;
      // Linger briefly so retransmitted 2xx/ACK/BYE still find the leg (64·T1, the longest retransmission span).
      this.ctx.clock.setTimer(64 * this.ctx.t1, () => this.ctx.registry.unregister(r.callId, r.tag));
    }
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
