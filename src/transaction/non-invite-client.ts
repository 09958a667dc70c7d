/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 * ```text
 *                                 |Request from TU
 *                                 |send request
 *             Timer E             V
 *             send request  +-----------+
 *                 +---------|           |-------------------+
 *                 |         |  Trying   |  Timer F          |
 *                 +-------->|           |  or Transport Err.|
 *                           +-----------+  inform TU        |
 *              200-699         |  |                         |
 *              resp. to TU     |  |1xx                      |
 *              +---------------+  |resp. to TU              |
 *              |                  |                         |
 *              |   Timer E        V       Timer F           |
 *              |   send req +-----------+ or Transport Err. |
 *              |  +---------|           | inform TU         |
 *              |  |         |Proceeding |------------------>|
 *              |  +-------->|           |-----+             |
 *              |            +-----------+     |1xx          |
 *              |              |      ^        |resp to TU   |
 *              | 200-699      |      +--------+             |
 *              | resp. to TU  |                             |
 *              |              |                             |
 *              |              V                             |
 *              |            +-----------+                   |
 *              |            |           |                   |
 *              |            | Completed |                   |
 *              |            |           |                   |
 *              |            +-----------+                   |
 *              |              ^   |                         |
 *              |              |   | Timer K                 |
 *              +--------------+   | -                       |
 *                                 |                         |
 *                                 V                         |
 *           NOTE:           +-----------+                   |
 *                           |           |                   |
 *       transitions         | Terminated|<------------------+
 *       labeled with        |           |
 *       the event           +-----------+
 *       over the action
 *       to take
 * ```
 *
 * Timer E doubles up to T2 in Trying and is T2 in Proceeding; Timer F (64·T1) spans Trying and Proceeding.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Endpoint } from '../transport/transport.js';
import { isReliable } from '../transport/transport.js';
import { assertNever } from '../util/assert-never.js';
import type { ClientTransactionEvents } from './client-transaction.js';
import { ClientTransactionBase } from './client-transaction.js';
import { TimeoutError } from './timeout-error.js';
import type { TransactionContext } from './transaction.js';
import type { ClientInput, TimerName } from './transaction-input.js';
import type { NonInviteClientState } from './transaction-state.js';
import { NON_INVITE_CLIENT_TRANSITIONS } from './transaction-state.js';

/** Events of a {@link NonInviteClientTransaction}. */
export type NonInviteClientTransactionEvents = ClientTransactionEvents<NonInviteClientState>;

const E_LIVES_IN: readonly NonInviteClientState[] = ['Trying', 'Proceeding'];
const F_LIVES_IN: readonly NonInviteClientState[] = ['Trying', 'Proceeding'];

/** RFC 3261 §17.1.2 non-INVITE client transaction. */
export class NonInviteClientTransaction extends ClientTransactionBase<
  NonInviteClientState,
  NonInviteClientTransactionEvents
> {
  readonly kind = 'NonInviteClient' as const;
  protected readonly transitions = NON_INVITE_CLIENT_TRANSITIONS;

  /** Current Timer E interval. */
  #timerE: number;

  /** @internal Created by `TransactionLayer.sendRequest()`. */
  constructor(ctx: TransactionContext, id: string, request: SipRequest, target: Endpoint) {
    super(ctx, id, request, target, isReliable(target.protocol), 'Trying');
    this.#timerE = ctx.timers.timerE;
  }

  /** @internal */
  start(): void {
    // §17.1.2.2: "The 'Trying' state is entered when the TU initiates a new client transaction with a request. When
    // entering this state, the client transaction SHOULD set timer F to fire in 64*T1 seconds. The request MUST be
    // passed to the transport layer for transmission. If an unreliable transport is in use, the client transaction
    // MUST set timer E to fire in T1 seconds."
    this.sendRequestTo(this.request, this.target, false);
    this.armTimer('F', this.ctx.timers.timerF, F_LIVES_IN);
    if (!this.isReliable) this.armTimer('E', this.#timerE, E_LIVES_IN);
  }

  protected onEnter(state: NonInviteClientState): void {
    switch (state) {
      case 'Trying':
      case 'Proceeding':
        return;
      case 'Completed': {
        // §17.1.2.2: "Once the client transaction enters the 'Completed' state, it MUST set Timer K to fire in T4
        // seconds for unreliable transports, and zero seconds for reliable transports."
        const k = this.isReliable ? this.ctx.timers.timerK.reliable : this.ctx.timers.timerK.unreliable;
        if (k === 0) {
          this.#terminate();
          return;
        }
        this.armLingerTimer('K', k);
        // Completed only absorbs response retransmissions (§17.1.2.2): nothing is sent from the request again.
        this.releaseRequest();
        return;
      }
      case 'Terminated':
        return;
      default:
        assertNever(state, 'NICT state');
    }
  }

  protected dispatch(input: ClientInput): void {
    switch (input.kind) {
      case '1xx':
        return this.#on1xx(input.response);
      case '2xx':
      case '3xx-6xx':
        return this.#onFinal(input.response);
      case 'timer':
        return this.#onTimer(input.timer);
      case 'transportError':
        return; // handled by the base before dispatch
      default:
        assertNever(input, 'NICT input');
    }
  }

  #on1xx(response: SipResponse): void {
    switch (this.state) {
      case 'Trying':
        // §17.1.2.2: "If a provisional response is received while in the 'Trying' state, the response MUST be passed
        // to the TU, and then the client transaction SHOULD move to the 'Proceeding' state."
        this.passProvisional(response);
        if (!this.isTerminated) this.transition('Proceeding');
        return;
      case 'Proceeding':
        // "If a provisional response is received while in the 'Proceeding' state, it MUST be passed to the TU."
        this.passProvisional(response);
        return;
      default:
        this.log.debug({ status: response.status }, 'late provisional response absorbed');
    }
  }

  #onFinal(response: SipResponse): void {
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        // §17.1.2.2: "If a final response (status codes 200-699) is received while in the 'Trying' state, the
        // response MUST be passed to the TU, and the client transaction MUST transition to the 'Completed' state."
        // (The same holds in 'Proceeding'.)
        this.passFinal(response);
        if (!this.isTerminated) this.transition('Completed');
        return;
      case 'Completed':
        // "The 'Completed' state exists to buffer any additional response retransmissions that may be received".
        this.ctx.onRetransmit('responseReceived');
        return;
      case 'Terminated':
        return;
      default:
        assertNever(this.state, 'NICT state');
    }
  }

  #onTimer(timer: TimerName): void {
    switch (timer) {
      case 'E':
        return this.onTimerE();
      case 'F':
        return this.onTimerF();
      case 'K':
        return this.onTimerK();
      default:
        this.log.warn({ timer }, 'unexpected timer');
    }
  }

  /** §17.1.2.2 Timer E: retransmit; the interval doubles up to T2 in Trying and is T2 in Proceeding. */
  protected onTimerE(): void {
    if (this.state === 'Trying') {
      // "If timer E fires while still in this state, the timer is reset, but this time with a value of MIN(2*T1,
      // T2). When the timer fires again, it is reset to a MIN(4*T1, T2). This process continues so that
      // retransmissions occur with an exponentially increasing interval that caps at T2."
      this.#timerE = Math.min(2 * this.#timerE, this.ctx.timers.t2);
    } else if (this.state === 'Proceeding') {
      // "If Timer E fires while in the 'Proceeding' state, the request MUST be passed to the transport layer for
      // retransmission, and Timer E MUST be reset with a value of T2 seconds."
      this.#timerE = this.ctx.timers.t2;
    } else {
      return;
    }
    this.sendRequestTo(this.request, this.target, true);
    this.armTimer('E', this.#timerE, E_LIVES_IN);
  }

  /** §17.1.2.2 Timer F: no final response in 64·T1 — tell the TU and terminate. */
  protected onTimerF(): void {
    // "If Timer F fires while the client transaction is still in the 'Trying' state, the client transaction SHOULD
    // inform the TU about the timeout, and then it SHOULD enter the 'Terminated' state." (Likewise in Proceeding.)
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
    this.timeout(new TimeoutError('F', `${this.method} transaction ${this.id}: no final response within Timer F`));
  }

  /** §17.1.2.2 Timer K: the wait for response retransmissions is over. */
  protected onTimerK(): void {
    // "If Timer K fires while in this state, the client transaction MUST transition to the 'Terminated' state."
    if (this.state === 'Completed') this.#terminate();
  }

  #terminate(): void {
    this.markCompleted();
    this.transition('Terminated');
  }
}
