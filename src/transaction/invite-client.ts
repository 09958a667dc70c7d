/**
 * INVITE client transaction (RFC 3261 §17.1.1, with RFC 6026 §7.2's Accepted state).
 *
 * ```text
 *                     |INVITE from TU
 *   Timer A fires     |INVITE sent            Timer B fires
 *   Reset A,          V                       or transport err.
 *   INVITE sent +-----------+                 inform TU
 *     +---------|           |-----------------------------+
 *     |         |  Calling  |                             |
 *     +-------->|           |--------------+              |
 *               +-----------+ 2xx          |              |
 *                  |  |       2xx to TU    |              |
 *                  |  |1xx                 |              |
 *  300-699 +-------+  |1xx to TU           |              |
 *  ACK sent|          V                    |              |
 *  resp. to TU  +-----------+              |              |
 *          |    |           |--+ 1xx       |              |
 *          |    |Proceeding |  | 1xx to TU |              |
 *          |    |           |<-+           |              |
 *          |    +-----------+              |              |
 *          |     |        |2xx             |              |
 *          |     |300-699 |2xx to TU       |              |
 *          |     |ACK sent|                V              |
 *          |     |resp. to TU       +-----------+         |
 *          |     |        +-------->|           |--+ 2xx  |
 *          |     |                  | Accepted  |  | to TU|
 *          +-----+---+              |           |<-+      |
 *                    |              +-----------+         |
 *   300-699          V               Timer M fires        |
 *   ACK sent  +-----------+          |                    |
 *    +--------|           |          |                    |
 *    |        | Completed |          |                    |
 *    +------->|           |          |                    |
 *             +-----------+          |                    |
 *                |   Timer D fires   |                    |
 *                |   (transport err. |                    |
 *                V    inform TU)     V                    |
 *             +-----------------------------+             |
 *             |         Terminated          |<------------+
 *             +-----------------------------+
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1
 * @see https://www.rfc-editor.org/rfc/rfc6026#section-7.2
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Endpoint } from '../transport/transport.js';
import { isReliable } from '../transport/transport.js';
import { assertNever } from '../util/assert-never.js';
import type { ClientTransactionEvents } from './client-transaction.js';
import { ClientTransactionBase } from './client-transaction.js';
import { buildCancel, buildNon2xxAck } from './request-builders.js';
import { TimeoutError } from './timeout-error.js';
import type { TransactionContext } from './transaction.js';
import type { ClientInput, TimerName } from './transaction-input.js';
import type { InviteClientState } from './transaction-state.js';
import { INVITE_CLIENT_TRANSITIONS } from './transaction-state.js';

/** Events of an {@link InviteClientTransaction}. */
export type InviteClientTransactionEvents = ClientTransactionEvents<InviteClientState>;

/** RFC 3261 §17.1.1 INVITE client transaction with the RFC 6026 Accepted state. */
export class InviteClientTransaction extends ClientTransactionBase<InviteClientState, InviteClientTransactionEvents> {
  readonly kind = 'InviteClient' as const;
  protected readonly transitions = INVITE_CLIENT_TRANSITIONS;

  /** Current Timer A interval (doubles on each firing, §17.1.1.2). */
  #timerA: number;
  /** The ACK for the non-2xx final, kept for retransmission in Completed. */
  #ack: SipRequest | undefined;

  /** @internal Created by `TransactionLayer.sendRequest()`. */
  constructor(ctx: TransactionContext, id: string, request: SipRequest, target: Endpoint) {
    super(ctx, id, request, target, isReliable(target.protocol), 'Calling');
    this.#timerA = ctx.timers.timerA;
  }

  /** The ACK this transaction sent for a non-2xx final response, once sent. */
  get ack(): SipRequest | undefined {
    return this.#ack;
  }

  /** A CANCEL for this INVITE (RFC 3261 §9.1), to be sent by the TU as its own client transaction. */
  buildCancel(): SipRequest {
    return buildCancel(this.request);
  }

  /** @internal */
  start(): void {
    // §17.1.1.2: "The initial state, 'calling', MUST be entered when the TU initiates a new client transaction with
    // an INVITE request. The client transaction MUST pass the request to the transport layer for transmission".
    this.sendRequestTo(this.request, this.target, false);
    // "If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1. If a
    // reliable transport is being used, the client transaction SHOULD NOT start timer A".
    if (!this.isReliable) this.armTimer('A', this.#timerA, ['Calling']);
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds".
    this.armTimer('B', this.ctx.timers.timerB, ['Calling']);
  }

  protected onEnter(state: InviteClientState): void {
    switch (state) {
      case 'Calling':
      case 'Proceeding':
        return;
      case 'Completed': {
        // §17.1.1.2: "The client transaction SHOULD start timer D when it enters the 'Completed' state, with a value
        // of at least 32 seconds for unreliable transports, and a value of zero seconds for reliable transports."
        const d = this.isReliable ? this.ctx.timers.timerD.reliable : this.ctx.timers.timerD.unreliable;
        if (d === 0) {
          this.#terminate();
          return;
        }
        this.armLingerTimer('D', d);
        // Completed only re-sends the ACK (kept) on a retransmitted final response: the INVITE can go.
        this.releaseRequest();
        return;
      }
      case 'Accepted':
        // RFC 6026 §7.2: "The client transaction MUST start Timer M [64*T1] when it enters the 'Accepted' state".
        this.armLingerTimer('M', this.ctx.timers.timerM);
        // RFC 6026 §7.2: Accepted only passes further 2xx up; the INVITE is neither re-sent nor CANCELled any more.
        this.releaseRequest();
        return;
      case 'Terminated':
        return;
      default:
        assertNever(state, 'ICT state');
    }
  }

  protected dispatch(input: ClientInput): void {
    switch (input.kind) {
      case '1xx':
        return this.#on1xx(input.response);
      case '2xx':
        return this.#on2xx(input.response);
      case '3xx-6xx':
        return this.#onFailureResponse(input.response);
      case 'timer':
        return this.#onTimer(input.timer);
      case 'transportError':
        return; // handled by the base before dispatch
      default:
        assertNever(input, 'ICT input');
    }
  }

  #on1xx(response: SipResponse): void {
    switch (this.state) {
      case 'Calling':
        // §17.1.1.2: "If the client transaction receives a provisional response while in the 'Calling' state, it
        // transitions to the 'Proceeding' state. … the provisional response MUST be passed to the TU."
        this.passProvisional(response);
        this.#moveTo('Proceeding');
        return;
      case 'Proceeding':
        // "Any further provisional responses MUST be passed up to the TU while in the 'Proceeding' state."
        this.passProvisional(response);
        return;
      default:
        this.log.debug({ status: response.status }, 'late provisional response absorbed');
    }
  }

  #on2xx(response: SipResponse): void {
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        // RFC 6026 §7.2: "If a 2xx response is received while the client INVITE state machine is in the 'Calling' or
        // 'Proceeding' states, it MUST transition to the 'Accepted' state, pass the 2xx response to the TU".
        this.passFinal(response);
        this.#moveTo('Accepted');
        return;
      case 'Accepted':
        // RFC 6026 §7.2: "Any 2xx responses that match this transaction … MUST be passed up to the TU" (retransmissions
        // and forked answers: the TU ACKs each, §13.2.2.4). To this transaction's listeners; when none is left (the
        // TU let go of the transaction: its leg ended), to the transaction user, as a response no transaction takes
        // — the UA core then finds the dialog it belongs to.
        if (!this.passFinal(response)) this.passUnheard();
        return;
      case 'Completed':
        this.log.debug({ status: response.status }, '2xx after a non-2xx final absorbed');
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'ICT state');
    }
  }

  #onFailureResponse(response: SipResponse): void {
    switch (this.state) {
      case 'Calling':
      case 'Proceeding': {
        // §17.1.1.2: "When in either the 'Calling' or 'Proceeding' states, reception of a response with status code
        // from 300-699 MUST cause the client transaction to transition to 'Completed'. The client transaction MUST
        // pass the received response up to the TU, and the client transaction MUST generate an ACK request".
        const ack = buildNon2xxAck(this.request, response);
        this.#ack = ack;
        // §17.1.1.3: "The ACK MUST be sent to the same address, port, and transport to which the original request
        // was sent."
        this.sendRequestTo(ack, this.target, false);
        this.passFinal(response);
        this.#moveTo('Completed');
        return;
      }
      case 'Completed':
        // §17.1.1.2: "Any retransmissions of the final response that are received while in the 'Completed' state MUST
        // cause the ACK to be re-passed to the transport layer for retransmission, but the newly received response
        // MUST NOT be passed up to the TU."
        this.ctx.onRetransmit('responseReceived');
        if (this.#ack !== undefined) this.sendRequestTo(this.#ack, this.target, true);
        return;
      case 'Accepted':
        this.log.debug({ status: response.status }, 'non-2xx after a 2xx absorbed');
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'ICT state');
    }
  }

  #onTimer(timer: TimerName): void {
    switch (timer) {
      case 'A':
        return this.onTimerA();
      case 'B':
        return this.onTimerB();
      case 'D':
        return this.onTimerD();
      case 'M':
        return this.onTimerM();
      default:
        this.log.warn({ timer }, 'unexpected timer');
    }
  }

  /** §17.1.1.2 Timer A: retransmit the INVITE and double the interval (not capped by T2 for INVITE). */
  protected onTimerA(): void {
    if (this.state !== 'Calling') return;
    // "When timer A fires, the client transaction MUST retransmit the request by passing it to the transport layer,
    // and MUST reset the timer with a value of 2*T1. … When timer A fires 2*T1 seconds later, the request MUST be
    // retransmitted again … and the timer reset to 4*T1. This process MUST continue so that the request is
    // retransmitted with intervals that double after each transmission."
    this.sendRequestTo(this.request, this.target, true);
    this.#timerA *= 2;
    this.armTimer('A', this.#timerA, ['Calling']);
  }

  /** §17.1.1.2 Timer B: no final response in 64·T1 — tell the TU and terminate. */
  protected onTimerB(): void {
    if (this.state !== 'Calling') return;
    // "If the client transaction is still in the 'Calling' state when timer B fires, the client transaction SHOULD
    // inform the TU that a timeout has occurred. The client transaction MUST NOT generate an ACK."
    this.timeout(new TimeoutError('B', `INVITE transaction ${this.id}: no response within Timer B`));
  }

  /** §17.1.1.2 Timer D: the wait for final-response retransmissions is over. */
  protected onTimerD(): void {
    // "If timer D fires while the client transaction is in the 'Completed' state, the client transaction MUST move
    // to the terminated state."
    if (this.state === 'Completed') this.#terminate();
  }

  /** RFC 6026 §7.2 Timer M: stop absorbing 2xx retransmissions. */
  protected onTimerM(): void {
    // "If Timer M fires while the client INVITE state machine is in the 'Accepted' state, the state machine MUST
    // transition to the 'Terminated' state."
    if (this.state === 'Accepted') this.#terminate();
  }

  #terminate(): void {
    this.markCompleted();
    this.transition('Terminated');
  }

  /** Transitions unless a TU listener closed the transaction while handling the response. */
  #moveTo(state: InviteClientState): void {
    if (!this.isTerminated) this.transition(state);
  }
}
