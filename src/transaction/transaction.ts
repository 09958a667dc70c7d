/**
 * Abstract base of the four transaction machines (STYLE.md P4/P5/P10).
 *
 * - `state` is a string literal; the one guarded {@link Transaction.transition} rejects moves that are not in the
 *   machine's table with an `InvalidStateError`.
 * - Timers are owned by states: `armTimer(name, ms, liveIn)` ties a timer to the states it lives in, and a
 *   transition to any other state cancels it. Entering Terminated cancels every timer and disposes the transaction
 *   (RFC 3261 §17.1.1.2: "Once the transaction is in the Terminated state, it MUST be destroyed immediately").
 * - Inputs (responses, requests, TU responses, timers, transport errors) are classified first
 *   (transaction-input.ts), then each machine dispatches on state × input.
 * - `close()` is idempotent and ends a live transaction at once (the layer cascades it on its own close).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { Logger } from '../observability/logger.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Endpoint, PreparedResponse, Source, TransactionTransport } from '../transport/transport.js';
import { TransportError } from '../transport/transport-error.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Expiring, FixedDelayQueue } from '../util/fixed-delay-queue.js';
import type { EventMap } from '../util/typed-emitter.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { TimeoutError } from './timeout-error.js';
import type { TimerName, TransactionInput } from './transaction-input.js';
import { timerInput, transportErrorInput } from './transaction-input.js';
import type { TransactionTimers } from './transaction-options.js';
import type { TransactionState, TransitionTable } from './transaction-state.js';

/** The four machines, named in RFC vocabulary. */
export type TransactionKind = 'InviteClient' | 'NonInviteClient' | 'InviteServer' | 'NonInviteServer';

/** Why a transaction reached Terminated. */
export type TerminationReason = 'completed' | 'timeout' | 'transportError' | 'closed';

/** Events every transaction emits. */
export type TransactionEvents<S extends TransactionState> = {
  /** Every state change, after timers of the old state were cancelled (debug and observers). */
  stateChange: [from: S, to: S];
  /** A send failed (RFC 3261 §17.1.4 / §17.2.4); the transaction is terminated right after. */
  transportError: [error: TransportError];
  /** The transaction reached Terminated and was removed from the layer; emitted once. */
  terminated: [reason: TerminationReason];
};

/** Retransmissions counted for metrics: the ones we send (Timers A, E, G, re-sent responses and ACKs) and the ones
 * we receive and absorb. */
export type RetransmissionKind = 'requestSent' | 'responseSent' | 'requestReceived' | 'responseReceived';

/**
 * @internal What a transaction needs from its layer. Built by `TransactionLayer`; tests build it directly.
 */
export interface TransactionContext {
  readonly transport: TransactionTransport;
  readonly clock: Clock;
  readonly timers: TransactionTimers;
  readonly logger: Logger;
  /** Called once when the transaction reaches Terminated, before its 'terminated' event. */
  onTerminated(tx: AnyTransactionBase): void;
  /** Called for each retransmission sent or absorbed. */
  onRetransmit(kind: RetransmissionKind): void;
  /** RFC 6026 §7.1: an ACK that matched an INVITE server transaction in Accepted goes to the TU. */
  passAckToUser(ack: SipRequest, source: Source): void;
  /** RFC 3261 §17.2.1: delay before the IST sends 100 Trying on its own (200 ms). */
  readonly tryingDelayMs: number;
  /** The layer's shared queue for timers of `delayMs` ({@link Transaction.armLingerTimer}). */
  lingerQueue(delayMs: number): FixedDelayQueue;
}

/**
 * Where the transaction layer filed a transaction, written by the layer when it files it and read back when the
 * transaction terminates (fields of the transaction rather than a record in a map of its own: one map operation
 * fewer per transaction, and nothing more to keep while it lingers).
 */
export interface TransactionFiling {
  /** Its key in the client store or the RFC 3261 server store. */
  filedKey: string | undefined;
  /** Its key in the RFC 2543 server store. */
  filedLegacyKey: string | undefined;
  /** Its key in the §8.2.2.2 merged-request store. */
  filedMergeKey: string | undefined;
}

/** Erased view of a transaction, for the layer's stores. */
export interface AnyTransactionBase extends TransactionFiling {
  readonly id: string;
  readonly kind: TransactionKind;
  readonly state: TransactionState;
  readonly isTerminated: boolean;
  close(): void;
}

interface OwnedTimer<S extends TransactionState> {
  readonly name: TimerName;
  readonly handle: TimerHandle;
  readonly liveIn: readonly S[];
}

/**
 * The timers that re-send a request or a response (RFC 3261 §17.1.1.2 A, §17.1.2.2 E, §17.2.1 G): held back while
 * input waits in the sockets ({@link TransactionTransport.afterPendingInput}).
 */
const RETRANSMISSION_TIMERS: ReadonlySet<TimerName> = new Set<TimerName>(['A', 'E', 'G']);

/** The timer list of a transaction with no timer armed (shared, never written to). */
const NO_TIMERS: readonly OwnedTimer<TransactionState>[] = Object.freeze([]);

/** Base class of the four machines. */
export abstract class Transaction<S extends TransactionState, E extends EventMap & TransactionEvents<S>>
  extends TypedEmitter<E>
  implements AnyTransactionBase, Expiring
{
  /** Layer-unique id (branch-based key), bound into this transaction's logger as `txId`. */
  readonly id: string;
  /** The request method (CSeq method) this transaction is for. */
  readonly method: string;
  /** Whether the transport is reliable (RFC 3261 §17: timers A, E, G are not used, D, I, J, K are zero). */
  readonly isReliable: boolean;
  abstract readonly kind: TransactionKind;
  /** @internal Written by the transaction layer ({@link TransactionFiling}). */
  filedKey: string | undefined = undefined;
  /** @internal Written by the transaction layer ({@link TransactionFiling}). */
  filedLegacyKey: string | undefined = undefined;
  /** @internal Written by the transaction layer ({@link TransactionFiling}). */
  filedMergeKey: string | undefined = undefined;

  protected readonly ctx: TransactionContext;
  protected abstract readonly transitions: TransitionTable<S>;

  #state: S;
  /**
   * Armed timers (at most three at a time: a small array is cheaper than a Map per transaction). With none armed it
   * is the shared {@link NO_TIMERS}, never written to: a lingering transaction keeps no array of its own.
   */
  #timers: OwnedTimer<S>[] = NO_TIMERS as OwnedTimer<S>[];
  /** Created on first use: most transactions never log, and a pino child per transaction costs CPU and memory. */
  #log: Logger | undefined;
  /** The linger timer ({@link armLingerTimer}), in the layer's queue for its delay; it lives in the state it was armed in. */
  #linger: TimerName | undefined;
  /** Token of the current linger entry; bumped to forget it (cancel). */
  #lingerToken = 0;
  #failure: TimeoutError | TransportError | undefined;
  #terminationReason: TerminationReason | undefined;

  protected constructor(ctx: TransactionContext, id: string, method: string, isReliable: boolean, initial: S) {
    super();
    this.ctx = ctx;
    this.id = id;
    this.method = method;
    this.isReliable = isReliable;
    this.#state = initial;
  }

  /** This transaction's logger (`txId`, `method` bound), created on first use. */
  protected get log(): Logger {
    this.#log ??= this.ctx.logger.child({ txId: this.id, method: this.method });
    return this.#log;
  }

  /** Current state. */
  get state(): S {
    return this.#state;
  }

  /** True once Terminated (the transaction is then inert: inputs are ignored, `respond()` throws). */
  get isTerminated(): boolean {
    return this.#state === 'Terminated';
  }

  /** P10 alias of {@link isTerminated}. */
  get closed(): boolean {
    return this.isTerminated;
  }

  /** The timeout or transport error that ended this transaction, if any. */
  get failure(): TimeoutError | TransportError | undefined {
    return this.#failure;
  }

  /** Why the transaction ended; undefined while live. */
  get terminationReason(): TerminationReason | undefined {
    return this.#terminationReason;
  }

  /** Names of the timers currently armed (tests and diagnostics). */
  get armedTimers(): readonly TimerName[] {
    const names = this.#timers.map((t) => t.name);
    if (this.#linger !== undefined) names.push(this.#linger);
    return names;
  }

  /**
   * Ends the transaction now, cancelling its timers (idempotent). A client transaction still waiting for a final
   * response rejects `finalResponse` with an `InvalidStateError`.
   */
  close(): void {
    if (this.isTerminated) return;
    this.#terminationReason ??= 'closed';
    this.transition('Terminated' as S);
  }

  /**
   * The one guarded state change (STYLE.md P4). Cancels the timers that do not live in `to`, then runs the state's
   * entry actions; entering Terminated disposes.
   * @throws InvalidStateError when the machine's table has no `from → to` move.
   */
  protected transition(to: S): void {
    const from = this.#state;
    if (!this.transitions[from].includes(to)) {
      throw new InvalidStateError(`${this.kind} transaction ${this.id}: illegal transition ${from} → ${to}`);
    }
    this.#state = to;
    if (this.#timers.length > 0) {
      const kept: OwnedTimer<S>[] = [];
      for (const t of this.#timers) {
        if (t.liveIn.includes(to)) kept.push(t);
        else t.handle.cancel();
      }
      this.#timers = kept.length > 0 ? kept : (NO_TIMERS as OwnedTimer<S>[]);
    }
    // A lingering state has no move to itself: any transition leaves the state its linger timer lives in.
    if (this.#linger !== undefined) this.#forgetLinger();
    if (this.ctx.logger.isLevelEnabled('debug')) this.log.debug({ from, to }, 'transaction state');
    this.#emit('stateChange', from, to);
    // A 'stateChange' listener may have closed the transaction; then there is nothing left to enter.
    if (this.#state !== to) return;
    if (to === 'Terminated') {
      this.#dispose();
      return;
    }
    this.onEnter(to, from);
  }

  /** Entry actions of a state (start its timers, send what it sends). Terminated never reaches it. */
  protected abstract onEnter(state: S, from: S): void;

  /** State × input dispatch of the machine. Transport errors and Terminated are handled before it. */
  protected abstract dispatch(input: TransactionInput): void;

  /** Hook run once on disposal, before 'terminated' is emitted. */
  protected onDisposed(): void {
    // default: nothing
  }

  /**
   * Feeds one classified input. Inputs reaching a terminated transaction (a late timer, a send that fails after the
   * end) are dropped with a debug log: the transaction no longer exists as far as RFC 3261 is concerned.
   */
  protected input(input: TransactionInput): void {
    if (this.isTerminated) {
      if (this.ctx.logger.isLevelEnabled('debug')) this.log.debug({ input: input.kind }, 'input after termination ignored');
      return;
    }
    if (input.kind === 'transportError') {
      // RFC 3261 §17.1.4: "the client transaction SHOULD inform the TU that a transport failure has occurred, and
      // the client transaction SHOULD transition directly to the Terminated state". §17.2.4: the server transaction
      // "MUST inform the TU of the failure, and transition to the Terminated state".
      this.#failure = input.error;
      this.#terminationReason = 'transportError';
      this.log.warn({ err: input.error }, 'transport error');
      this.#emit('transportError', input.error);
      if (!this.isTerminated) this.transition('Terminated' as S);
      return;
    }
    this.dispatch(input);
  }

  /** Records a timeout (Timer B, F or H) and tells the machine's listeners through `emitTimeout`. */
  protected fail(error: TimeoutError): void {
    this.#failure = error;
    this.#terminationReason = 'timeout';
    this.log.info({ timer: error.timer }, 'transaction timeout');
  }

  /** Marks a normal end (the machine then moves to Terminated). */
  protected markCompleted(): void {
    this.#terminationReason ??= 'completed';
  }

  /**
   * Arms `name` for `ms`, owned by the states in `liveIn` (a transition out of them cancels it). Re-arming a timer
   * replaces the previous one.
   */
  protected armTimer(name: TimerName, ms: number, liveIn: readonly S[]): void {
    this.cancelTimer(name);
    const timer: OwnedTimer<S> = {
      name,
      liveIn,
      handle: this.ctx.clock.setTimer(ms, () => {
        const i = this.#timers.indexOf(timer);
        if (i < 0) return;
        this.#dropTimer(i);
        const hold = this.ctx.transport.afterPendingInput;
        if (RETRANSMISSION_TIMERS.has(name) && hold !== undefined) {
          // The response this timer gives up waiting for may already be in the socket, behind other datagrams:
          // it is handled first (a backlog is not a loss), for at most one more T1. Handled, it moved the machine
          // to a state the timer does not live in, and the retransmission is not sent.
          hold.call(this.ctx.transport, () => {
            if (liveIn.includes(this.#state)) this.#fire(name);
          }, this.ctx.timers.t1);
          return;
        }
        this.#fire(name);
      }),
    };
    if (this.#timers === NO_TIMERS) this.#timers = [timer];
    else this.#timers.push(timer);
  }

  /** Feeds a timer's input; a machine bug it raises is logged and ends the transaction. */
  #fire(name: TimerName): void {
    try {
      this.input(timerInput(name));
    } catch (err: unknown) {
      this.#inputFailed(err);
    }
  }

  #dropTimer(i: number): void {
    if (this.#timers.length === 1) this.#timers = NO_TIMERS as OwnedTimer<S>[];
    else this.#timers.splice(i, 1);
  }

  /**
   * Arms `name` for `ms` like {@link armTimer}, in the layer's shared queue for that delay instead of a timer of its
   * own: for the one wait of a lingering state (Timers D, I, J, K, L, M), which nearly always runs out, and during
   * which a transaction should cost as little as it can. It lives in the current state; leaving it forgets the timer.
   */
  protected armLingerTimer(name: TimerName, ms: number): void {
    this.#forgetLinger();
    this.#linger = name;
    this.ctx.lingerQueue(ms).add(this, this.#lingerToken);
  }

  /** @internal The linger queue's callback ({@link Expiring}); a token from before a re-arm or cancel is ignored. */
  expire(token: number): void {
    const linger = this.#linger;
    if (linger === undefined || token !== this.#lingerToken || this.isTerminated) return;
    this.#forgetLinger();
    this.#fire(linger);
  }

  #forgetLinger(): void {
    this.#linger = undefined;
    this.#lingerToken++;
  }

  /** Cancels `name` when armed. */
  protected cancelTimer(name: TimerName): void {
    const timers = this.#timers;
    for (let i = 0; i < timers.length; i++) {
      if (timers[i]!.name !== name) continue;
      timers[i]!.handle.cancel();
      this.#dropTimer(i);
      return;
    }
  }

  /** Passes a request to the transport; a rejection becomes a transport-error input. */
  protected sendRequestTo(request: SipRequest, target: Endpoint, isRetransmission: boolean): void {
    if (isRetransmission) this.ctx.onRetransmit('requestSent');
    let p: Promise<void>;
    try {
      p = this.ctx.transport.sendRequest(request, target);
    } catch (err: unknown) {
      p = Promise.reject(err);
    }
    void p.then(undefined, (err: unknown) => this.#sendFailed(err));
  }

  /** Passes a response to the transport (RFC 3261 §18.2.2 routing by `source`); a rejection is a transport error. */
  protected sendResponseTo(response: SipResponse, source: Source, isRetransmission: boolean): void {
    if (isRetransmission) this.ctx.onRetransmit('responseSent');
    let p: Promise<void>;
    try {
      p = this.ctx.transport.sendResponse(response, source);
    } catch (err: unknown) {
      p = Promise.reject(err);
    }
    void p.then(undefined, (err: unknown) => this.#sendFailed(err));
  }

  /**
   * Like {@link sendResponseTo}, keeping what the transport made of the response (routed and serialized) so it can be
   * re-sent with {@link resendPrepared}. Undefined when it could not be prepared (the failure then arrives as a
   * transport-error input, asynchronously, as for any send).
   */
  protected sendResponseKept(response: SipResponse, source: Source, isRetransmission: boolean): PreparedResponse | undefined {
    if (isRetransmission) this.ctx.onRetransmit('responseSent');
    let prepared: PreparedResponse | undefined;
    let p: Promise<void>;
    try {
      prepared = this.ctx.transport.prepareResponse(response, source);
      p = this.ctx.transport.sendPreparedResponse(prepared);
    } catch (err: unknown) {
      p = Promise.reject(err);
    }
    void p.then(undefined, (err: unknown) => this.#sendFailed(err));
    return prepared;
  }

  /** Re-sends a response kept by {@link sendResponseKept}. */
  protected resendPrepared(prepared: PreparedResponse): void {
    this.ctx.onRetransmit('responseSent');
    let p: Promise<void>;
    try {
      p = this.ctx.transport.sendPreparedResponse(prepared);
    } catch (err: unknown) {
      p = Promise.reject(err);
    }
    void p.then(undefined, (err: unknown) => this.#sendFailed(err));
  }

  /**
   * A send was rejected: a transport-error input. Each send makes its own short-lived handler rather than the
   * transaction keeping one: a transaction lingers 32 s after its last send, and a kept closure (with its context)
   * would linger with it.
   */
  #sendFailed(err: unknown): void {
    const error = err instanceof TransportError ? err : new TransportError('send failed', { cause: err });
    try {
      this.input(transportErrorInput(error));
    } catch (e: unknown) {
      this.#inputFailed(e);
    }
  }

  /** An asynchronous entry (timer, send completion) threw: a machine bug is logged and ends the transaction. */
  #inputFailed(err: unknown): void {
    this.log.error({ err }, 'transaction input failed; closing the transaction');
    this.close();
  }

  #dispose(): void {
    this.#terminationReason ??= 'completed';
    for (const t of this.#timers) t.handle.cancel();
    this.#timers = NO_TIMERS as OwnedTimer<S>[];
    this.#forgetLinger();
    this.onDisposed();
    this.ctx.onTerminated(this);
    this.#emit('terminated', this.#terminationReason);
    this.removeAllListeners();
  }

  /** Emits a base event (the subclass event map extends the base one; TypeScript cannot see that through E). */
  #emit<K extends keyof TransactionEvents<S>>(event: K, ...args: TransactionEvents<S>[K]): void {
    (this as unknown as TypedEmitter<TransactionEvents<S>>).safeEmit(event, ...args);
  }
}
