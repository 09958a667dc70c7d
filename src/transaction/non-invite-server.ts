/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 * ```text
 *                                   |Request received
 *                                   |pass to TU
 *                                   V
 *                             +-----------+
 *                             |           |
 *                             | Trying    |-------------+
 *                             |           |             |
 *                             +-----------+             |200-699 from TU
 *                                   |                   |send response
 *                                   |1xx from TU        |
 *                                   |send response      |
 *                                   |                   |
 *                Request            V      1xx from TU  |
 *                send response+-----------+send response|
 *                    +--------|           |--------+    |
 *                    |        | Proceeding|        |    |
 *                    +------->|           |<-------+    |
 *             +<--------------|           |             |
 *             |Trnsprt Err    +-----------+             |
 *             |Inform TU            |                   |
 *             |                     |                   |
 *             |                     |200-699 from TU    |
 *             |                     |send response      |
 *             |  Request            V                   |
 *             |  send response+-----------+             |
 *             |      +--------|           |             |
 *             |      |        | Completed |<------------+
 *             |      +------->|           |
 *             +<--------------|           |
 *             |Trnsprt Err    +-----------+
 *             |Inform TU            |
 *             |                     |Timer J fires
 *             |                     |-
 *             |                     |
 *             |                     V
 *             |               +-----------+
 *             |               |           |
 *             +-------------->| Terminated|
 *                             |           |
 *                             +-----------+
 * ```
 *
 * A NIST in Trying has no timer: it waits for the TU, which must answer every request (RFC 3261 §8.2); the layer's
 * `close()` ends any that remain.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Source } from '../transport/transport.js';
import { assertNever } from '../util/assert-never.js';
import { ServerTransactionBase } from './server-transaction.js';
import type { TransactionContext, TransactionEvents } from './transaction.js';
import type { ServerInput, TimerName } from './transaction-input.js';
import type { NonInviteServerState } from './transaction-state.js';
import { NON_INVITE_SERVER_TRANSITIONS } from './transaction-state.js';

/** Events of a {@link NonInviteServerTransaction}. */
export type NonInviteServerTransactionEvents = TransactionEvents<NonInviteServerState>;

/** RFC 3261 §17.2.2 non-INVITE server transaction. */
export class NonInviteServerTransaction extends ServerTransactionBase<
  NonInviteServerState,
  NonInviteServerTransactionEvents
> {
  readonly kind = 'NonInviteServer' as const;
  protected readonly transitions = NON_INVITE_SERVER_TRANSITIONS;

  /** @internal Created by `TransactionLayer` for a new non-INVITE, non-ACK request; enters Trying. */
  constructor(ctx: TransactionContext, id: string, request: SipRequest, source: Source, isMatchedByBranch = true) {
    // §17.2.2: "The state machine is initialized in the 'Trying' state and is passed a request other than INVITE or
    // ACK when initialized. This request is passed up to the TU."
    super(ctx, id, request, source, 'Trying', isMatchedByBranch);
  }

  protected onEnter(state: NonInviteServerState): void {
    switch (state) {
      case 'Trying':
      case 'Proceeding':
        return;
      case 'Completed': {
        // §17.2.2: "When the server transaction enters the 'Completed' state, it MUST set Timer J to fire in 64*T1
        // seconds for unreliable transports, and zero seconds for reliable transports."
        const j = this.isReliable ? this.ctx.timers.timerJ.reliable : this.ctx.timers.timerJ.unreliable;
        if (j === 0) {
          this.#terminate();
          return;
        }
        this.armLingerTimer('J', j);
        // Timer J lasts 64·T1: what it re-sends is the final response's bytes; the request and the response objects,
        // which hold the request's whole text, are let go.
        this.keepOnlyFinalBytes();
        return;
      }
      case 'Terminated':
        return;
      default:
        assertNever(state, 'NIST state');
    }
  }

  protected dispatch(input: ServerInput): void {
    switch (input.kind) {
      case 'request':
      case 'ack':
        return this.#onRetransmission();
      case 'tu-1xx':
        return this.#onTu1xx(input.response);
      case 'tu-2xx':
      case 'tu-3xx-6xx':
        return this.#onTuFinal(input.response);
      case 'timer':
        return this.#onTimer(input.timer);
      case 'transportError':
        return; // handled by the base before dispatch
      default:
        assertNever(input, 'NIST input');
    }
  }

  #onRetransmission(): void {
    switch (this.state) {
      case 'Trying':
        // §17.2.2: "While in the 'Trying' state, … any further request retransmissions are discarded."
        this.ctx.onRetransmit('requestReceived');
        return;
      case 'Proceeding':
        // "If a retransmission of the request is received while in the 'Proceeding' state, the most recently sent
        // provisional response MUST be passed to the transport layer for retransmission."
        this.resendProvisional();
        return;
      case 'Completed':
        // "While in the 'Completed' state, the server transaction MUST pass the final response to the transport
        // layer for retransmission whenever a retransmission of the request is received."
        this.ctx.onRetransmit('requestReceived');
        this.resendFinal();
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'NIST state');
    }
  }

  #onTu1xx(response: SipResponse): void {
    switch (this.state) {
      case 'Trying':
        // §17.2.2: "While in the 'Trying' state, if the TU passes a provisional response to the server transaction,
        // the server transaction MUST enter the 'Proceeding' state. The response MUST be passed to the transport
        // layer for transmission."
        this.sendProvisional(response);
        this.transition('Proceeding');
        return;
      case 'Proceeding':
        // "Any further provisional responses that are received from the TU while in the 'Proceeding' state MUST be
        // passed to the transport layer for transmission."
        this.sendProvisional(response);
        return;
      default:
        this.rejectResponse(response);
    }
  }

  #onTuFinal(response: SipResponse): void {
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        // §17.2.2: "If the TU passes a final response (status codes 200-699) to the server while in the 'Proceeding'
        // state, the transaction MUST enter the 'Completed' state, and the response MUST be passed to the transport
        // layer for transmission." (From Trying likewise, Figure 8.)
        this.sendFinal(response);
        this.transition('Completed');
        return;
      case 'Completed':
        // "Any other final responses passed by the TU to the server transaction MUST be discarded while in the
        // 'Completed' state."
        this.log.warn({ status: response.status }, 'final response after the final response discarded (§17.2.2)');
        return;
      default:
        this.rejectResponse(response);
    }
  }

  #onTimer(timer: TimerName): void {
    if (timer === 'J') this.onTimerJ();
    else this.log.warn({ timer }, 'unexpected timer');
  }

  /** §17.2.2 Timer J: stop absorbing request retransmissions. */
  protected onTimerJ(): void {
    // "The server transaction remains in this state until Timer J fires, at which point it MUST transition to the
    // 'Terminated' state."
    if (this.state === 'Completed') this.#terminate();
  }

  #terminate(): void {
    this.markCompleted();
    this.transition('Terminated');
  }
}
