/**
 * INVITE server transaction (RFC 3261 §17.2.1, with RFC 6026 §7.1's Accepted state).
 *
 * ```text
 *                                |INVITE
 *                                |pass INV to TU
 *             INVITE             V send 100 if TU won't in 200 ms
 *             send response +-----------+
 *                 +---------|           |--------+ 101-199 from TU
 *                 |         | Proceeding|        | send response
 *                 +-------->|           |<-------+
 *                           +-----------+
 *           300-699 from TU  |         |  2xx from TU
 *           send response    |         |  send response
 *                  +---------+         +-----------+
 *                  |                               |
 *  INVITE          V        Timer G fires          V
 *  send response+-----------+ send response   +-----------+ INVITE / absorb
 *      +--------|           |--------+        |           | 2xx from TU / send
 *      |        | Completed |        |        | Accepted  | ACK / pass to TU
 *      +------->|           |<-------+        |           |----+
 *               +-----------+                 +-----------+    |
 *                  |     |                      |    ^         |
 *    Timer H fires |     | ACK                  |    +---------+
 *    inform TU     |     | -                    |
 *                  |     V                      |
 *                  |  +-----------+             |
 *                  |  |           |--+ ACK      |
 *                  |  | Confirmed |  | absorb   |
 *                  |  |           |<-+          |
 *                  |  +-----------+             |
 *                  |     |                      |
 *                  |     | Timer I fires        | Timer L fires
 *                  V     V                      V
 *               +----------------------------------+
 *               |            Terminated            |
 *               +----------------------------------+
 *    Any live state: transport error → inform TU → Terminated (§17.2.4)
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
 * @see https://www.rfc-editor.org/rfc/rfc6026#section-7.1
 */
import { createResponse } from '../sip/build.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Source } from '../transport/transport.js';
import { assertNever } from '../util/assert-never.js';
import { ServerTransactionBase } from './server-transaction.js';
import { TimeoutError } from './timeout-error.js';
import type { TransactionContext, TransactionEvents } from './transaction.js';
import type { ServerInput, TimerName } from './transaction-input.js';
import type { InviteServerState } from './transaction-state.js';
import { INVITE_SERVER_TRANSITIONS } from './transaction-state.js';

/** Events of an {@link InviteServerTransaction}. */
export type InviteServerTransactionEvents = TransactionEvents<InviteServerState> & {
  /** The ACK for the non-2xx final arrived (Completed → Confirmed). Informational: the RFC absorbs it. */
  ack: [ack: SipRequest];
  /** Timer H fired: the ACK for the non-2xx final never came (§17.2.1); Terminated follows. */
  timeout: [error: TimeoutError];
};

/** RFC 3261 §17.2.1 INVITE server transaction with the RFC 6026 Accepted state. */
export class InviteServerTransaction extends ServerTransactionBase<InviteServerState, InviteServerTransactionEvents> {
  readonly kind = 'InviteServer' as const;
  protected readonly transitions = INVITE_SERVER_TRANSITIONS;

  /** Current Timer G interval. */
  #timerG: number;

  /**
   * @internal Created by `TransactionLayer` for a new INVITE. Enters Proceeding and arms the 200 ms 100-Trying
   * guard.
   */
  constructor(ctx: TransactionContext, id: string, request: SipRequest, source: Source, isMatchedByBranch = true) {
    super(ctx, id, request, source, 'Proceeding', isMatchedByBranch);
    this.#timerG = ctx.timers.timerG;
    // §17.2.1: "The server transaction MUST generate a 100 (Trying) response unless it knows that the TU will
    // generate a provisional or final response within 200 ms". We give the TU those 200 ms.
    this.armTimer('Trying100', ctx.tryingDelayMs, ['Proceeding']);
  }

  protected onEnter(state: InviteServerState): void {
    switch (state) {
      case 'Proceeding':
        return;
      case 'Completed':
        // §17.2.1: "When the 'Completed' state is entered, timer H MUST be set to fire in 64*T1 seconds for all
        // transports. … For unreliable transports, timer G is set to fire in T1 seconds, and is not set to fire for
        // reliable transports."
        if (!this.isReliable) this.armTimer('G', this.#timerG, ['Completed']);
        this.armTimer('H', this.ctx.timers.timerH, ['Completed']);
        // What is left to re-send is the final response: its bytes, not the INVITE and the response objects.
        this.keepOnlyFinalBytes();
        return;
      case 'Confirmed': {
        // §17.2.1: "When this state is entered, timer I is set to fire in T4 seconds for unreliable transports, and
        // zero seconds for reliable transports."
        const i = this.isReliable ? this.ctx.timers.timerI.reliable : this.ctx.timers.timerI.unreliable;
        if (i === 0) this.#terminate();
        else this.armLingerTimer('I', i);
        return;
      }
      case 'Accepted':
        // RFC 6026 §7.1: "the server transaction MUST … start Timer L with a value of 64*T1".
        this.armLingerTimer('L', this.ctx.timers.timerL);
        // Nothing is re-sent from Accepted: the INVITE and the 2xx need not stay for Timer L's 64·T1.
        this.releaseMessages();
        return;
      case 'Terminated':
        return;
      default:
        assertNever(state, 'IST state');
    }
  }

  protected dispatch(input: ServerInput): void {
    switch (input.kind) {
      case 'request':
        return this.#onRetransmission();
      case 'ack':
        return this.#onAck(input.request, input.source);
      case 'tu-1xx':
        return this.#onTu1xx(input.response);
      case 'tu-2xx':
        return this.#onTu2xx(input.response);
      case 'tu-3xx-6xx':
        return this.#onTuFailure(input.response);
      case 'timer':
        return this.#onTimer(input.timer);
      case 'transportError':
        return; // handled by the base before dispatch
      default:
        assertNever(input, 'IST input');
    }
  }

  #onRetransmission(): void {
    switch (this.state) {
      case 'Proceeding':
        // §17.2.1: "If a request retransmission is received while in the 'Proceeding' state, the most recent
        // provisional response that was received from the TU MUST be passed to the transport layer for
        // retransmission."
        this.resendProvisional();
        return;
      case 'Completed':
        // §17.2.1: "while in the 'Completed' state, if a request retransmission is received, the server SHOULD pass
        // the response to the transport for retransmission."
        this.ctx.onRetransmit('requestReceived');
        this.resendFinal();
        return;
      case 'Confirmed':
        this.ctx.onRetransmit('requestReceived');
        return;
      case 'Accepted':
        // RFC 6026 §7.1: "The purpose of the 'Accepted' state is to absorb retransmissions of an accepted INVITE
        // request. Any such retransmissions are absorbed entirely within the server transaction. They are not
        // passed up to the TU".
        this.ctx.onRetransmit('requestReceived');
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'IST state');
    }
  }

  #onAck(ack: SipRequest, source: Source): void {
    switch (this.state) {
      case 'Completed':
        // §17.2.1: "If an ACK is received while the server transaction is in the 'Completed' state, the server
        // transaction MUST transition to the 'Confirmed' state. As Timer G is ignored in this state, any
        // retransmissions of the response will cease."
        this.safeEmit('ack', ack);
        if (!this.isTerminated) this.transition('Confirmed');
        return;
      case 'Confirmed':
        // "The purpose of the 'Confirmed' state is to absorb any additional ACK messages that arrive".
        this.ctx.onRetransmit('requestReceived');
        return;
      case 'Accepted':
        // RFC 6026 §7.1: an ACK matching a transaction in Accepted is the ACK for the 2xx; it belongs to the TU
        // (RFC 3261 §13.3.1.4), so it is passed up rather than absorbed.
        this.ctx.passAckToUser(ack, source);
        return;
      case 'Proceeding':
        this.log.debug('ACK before any final response ignored');
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'IST state');
    }
  }

  #onTu1xx(response: SipResponse): void {
    // §17.2.1: "The TU passes any number of provisional responses to the server transaction. So long as the server
    // transaction is in the 'Proceeding' state, each of these MUST be passed to the transport layer".
    if (this.state !== 'Proceeding') this.rejectResponse(response);
    this.cancelTimer('Trying100');
    this.sendProvisional(response);
  }

  #onTu2xx(response: SipResponse): void {
    if (this.state === 'Proceeding') {
      // RFC 6026 §7.1: "If, while in the 'Proceeding' state, the TU passes a 2xx response to the server transaction,
      // the server transaction MUST pass this response to the transport layer for transmission. … The server
      // transaction MUST then transition to the 'Accepted' state."
      this.sendAcceptingFinal(response);
      this.transition('Accepted');
      return;
    }
    if (this.state === 'Accepted') {
      // RFC 6026 §7.1: "The server transaction MUST NOT generate 2xx retransmissions on its own. Any retransmission of
      // the 2xx response passed from the TU to the transaction while in the 'Accepted' state MUST be passed to the
      // transport layer for transmission."
      this.sendFinalRetransmission(response);
      return;
    }
    this.rejectResponse(response);
  }

  #onTuFailure(response: SipResponse): void {
    if (this.state !== 'Proceeding') this.rejectResponse(response);
    // §17.2.1: "While in the 'Proceeding' state, if the TU passes a response with status code from 300 to 699 to
    // the server transaction, the response MUST be passed to the transport layer for transmission, and the state
    // machine MUST enter the 'Completed' state."
    this.sendFinal(response);
    this.transition('Completed');
  }

  #onTimer(timer: TimerName): void {
    switch (timer) {
      case 'Trying100':
        return this.onTimerTrying100();
      case 'G':
        return this.onTimerG();
      case 'H':
        return this.onTimerH();
      case 'I':
        return this.onTimerI();
      case 'L':
        return this.onTimerL();
      default:
        this.log.warn({ timer }, 'unexpected timer');
    }
  }

  /** §17.2.1: the TU has not answered within 200 ms — send 100 Trying to quench INVITE retransmissions. */
  protected onTimerTrying100(): void {
    if (this.state !== 'Proceeding' || this.lastProvisional !== undefined) return;
    // "The 100 (Trying) response is constructed according to the procedures in Section 8.2.6, except that the
    // insertion of tags in the To header field of the response (when none was present in the request) is
    // downgraded from MAY to SHOULD NOT." (createResponse never tags a 100.)
    this.sendProvisional(createResponse(this.request, 100));
  }

  /** §17.2.1 Timer G: retransmit the final response; the interval doubles up to T2. */
  protected onTimerG(): void {
    if (this.state !== 'Completed') return;
    // "If timer G fires, the response is passed to the transport layer once more for retransmission, and timer G
    // is set to fire in MIN(2*T1, T2) seconds. From then on, when timer G fires, the response is passed to the
    // transport again for transmission, and timer G is reset with a value that doubles, unless that value exceeds
    // T2, in which case it is reset with the value of T2."
    this.resendFinal();
    this.#timerG = Math.min(2 * this.#timerG, this.ctx.timers.t2);
    this.armTimer('G', this.#timerG, ['Completed']);
  }

  /** §17.2.1 Timer H: the ACK never came. */
  protected onTimerH(): void {
    if (this.state !== 'Completed') return;
    // "If timer H fires while in the 'Completed' state, it implies that the ACK was never received. In this case,
    // the server transaction MUST transition to the 'Terminated' state, and MUST indicate to the TU that a
    // transaction failure has occurred."
    const error = new TimeoutError('H', `INVITE server transaction ${this.id}: no ACK within Timer H`);
    this.fail(error);
    this.safeEmit('timeout', error);
    if (!this.isTerminated) this.transition('Terminated');
  }

  /** §17.2.1 Timer I: stop absorbing ACK retransmissions. */
  protected onTimerI(): void {
    // "Once timer I fires, the server MUST transition to the 'Terminated' state."
    if (this.state === 'Confirmed') this.#terminate();
  }

  /** RFC 6026 §7.1 Timer L: stop absorbing INVITE retransmissions. */
  protected onTimerL(): void {
    // "If Timer L fires while the INVITE server transaction is in the 'Accepted' state, the transaction MUST
    // transition to the 'Terminated' state."
    if (this.state === 'Accepted') this.#terminate();
  }

  #terminate(): void {
    this.markCompleted();
    this.transition('Terminated');
  }
}
