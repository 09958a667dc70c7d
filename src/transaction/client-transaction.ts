/**
 * What the two client machines share (RFC 3261 §17.1): the request and its target, the typed events the TU
 * listens to, and the awaitable `finalResponse`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.1
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Endpoint } from '../transport/transport.js';
import type { EventMap } from '../util/typed-emitter.js';
import type { TimeoutError } from './timeout-error.js';
import { Transaction } from './transaction.js';
import type { TransactionContext, TransactionEvents } from './transaction.js';
import { classifyResponse } from './transaction-input.js';
import type { TransactionState } from './transaction-state.js';

/** Events of a client transaction. */
export type ClientTransactionEvents<S extends TransactionState> = TransactionEvents<S> & {
  /** A 1xx passed to the TU (RFC 3261 §17.1.1.2 / §17.1.2.2). */
  provisional: [response: SipResponse];
  /**
   * A final response passed to the TU. Emitted once for a non-2xx; for an INVITE, once per 2xx received in Calling,
   * Proceeding or Accepted (RFC 6026 §7.2: forked 2xx and 2xx retransmissions go to the TU, which ACKs them).
   */
  final: [response: SipResponse];
  /** Timer B or F fired without a final response (RFC 3261 §17.1.1.2 / §17.1.2.2); Terminated follows. */
  timeout: [error: TimeoutError];
};

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Base of {@link InviteClientTransaction} and {@link NonInviteClientTransaction}. */
export abstract class ClientTransactionBase<
  S extends TransactionState,
  E extends EventMap & ClientTransactionEvents<S>,
> extends Transaction<S, E> {
  /** Where the request goes; retransmissions and the non-2xx ACK go to the same place (§17.1.1.3). */
  readonly target: Endpoint;

  #request: SipRequest | undefined;
  #final: SipResponse | undefined;
  /** The TU let go of the final response ({@link ClientTransactionBase.releaseFinalResponse}). */
  #isFinalReleased = false;
  /** Set while a response is being handled when the machine passed it up to no listener. */
  #unheard = false;
  #deferred: Deferred<SipResponse> | undefined;

  protected constructor(
    ctx: TransactionContext,
    id: string,
    request: SipRequest,
    target: Endpoint,
    isReliable: boolean,
    initial: S,
  ) {
    super(ctx, id, request.method, isReliable, initial);
    this.#request = request;
    this.target = target;
  }

  /**
   * The request as sent (the transport fills in the top Via sent-by on the first send).
   * @throws InvalidStateError once let go (an INVITE client transaction in Accepted: {@link releaseRequest}).
   */
  get request(): SipRequest {
    if (this.#request === undefined) throw new InvalidStateError(`${this.kind} transaction ${this.id} no longer holds its request (${this.state})`);
    return this.#request;
  }

  /** Nothing will be sent from this request again (no retransmission, CANCEL or ACK is built from it): let it go. */
  protected releaseRequest(): void {
    this.#request = undefined;
  }

  /**
   * The first final response. Rejects with `TimeoutError` (Timer B/F), `TransportError` (§17.1.4) or
   * `InvalidStateError` (closed first). Created on first access, so an unobserved failure never becomes an
   * unhandled rejection; the same outcome is also emitted as 'timeout' / 'transportError'.
   */
  get finalResponse(): Promise<SipResponse> {
    if (this.#final !== undefined) return Promise.resolve(this.#final);
    if (this.#isFinalReleased) return Promise.reject(new InvalidStateError(`${this.kind} transaction ${this.id}: the final response was released`));
    if (this.isTerminated) return Promise.reject(this.#closedError());
    this.#deferred ??= deferred<SipResponse>();
    return this.#deferred.promise;
  }

  /** The first final response, once received. */
  get lastFinalResponse(): SipResponse | undefined {
    return this.#final;
  }

  /**
   * The TU has taken what it needs from the final response and will not ask for it again: the transaction lets go
   * of it (an INVITE client transaction lingers 64·T1 in Accepted after a 2xx, RFC 6026 §7.2, and would otherwise
   * hold the whole response that long). Later 2xx still reach the TU; `finalResponse` rejects with
   * InvalidStateError from now on.
   */
  releaseFinalResponse(): void {
    if (this.#final === undefined) return;
    this.#final = undefined;
    // A settled promise holds its value too.
    this.#deferred = undefined;
    this.#isFinalReleased = true;
  }

  /**
   * @internal The layer hands a matched response (§17.1.3) to the machine.
   * @returns false when the machine passed the response up but no listener heard it (an INVITE client transaction in
   *   Accepted whose TU let go of it): the layer then gives it to the transaction user as a stray response.
   */
  receiveResponse(response: SipResponse): boolean {
    this.#unheard = false;
    this.input(classifyResponse(response));
    return !this.#unheard;
  }

  /** The machine passed `response` up and nobody listens: {@link receiveResponse} tells the layer so. */
  protected passUnheard(): void {
    this.#unheard = true;
  }

  /** @internal Sends the request for the first time and enters the initial state's timers. */
  abstract start(): void;

  /** Passes a 1xx to the TU. */
  protected passProvisional(response: SipResponse): void {
    this.safeEmitClient('provisional', response);
  }

  /**
   * Passes a final response to the TU; the first one settles `finalResponse`.
   * @returns whether a 'final' listener heard it.
   */
  protected passFinal(response: SipResponse): boolean {
    if (this.#final === undefined && !this.#isFinalReleased) {
      this.#final = response;
      this.#deferred?.resolve(response);
    }
    return this.safeEmitClient('final', response);
  }

  /** Timer B/F: record, tell the TU, terminate. */
  protected timeout(error: TimeoutError): void {
    this.fail(error);
    this.safeEmitClient('timeout', error);
    if (!this.isTerminated) this.transition('Terminated' as S);
  }

  protected override onDisposed(): void {
    if (this.#final === undefined) this.#deferred?.reject(this.#closedError());
  }

  #closedError(): Error {
    return this.failure ?? new InvalidStateError(`${this.kind} transaction ${this.id} closed before a final response`);
  }

  /** Emits a client event (E extends the client map; TypeScript cannot see it through the generic). */
  protected safeEmitClient<K extends 'provisional' | 'final' | 'timeout'>(
    event: K,
    ...args: ClientTransactionEvents<S>[K]
  ): boolean {
    return (this as unknown as { safeEmit(e: K, ...a: ClientTransactionEvents<S>[K]): boolean }).safeEmit(event, ...args);
  }
}
