/**
 * What the two server machines share (RFC 3261 §17.2): the request and where it came from, `respond()` for the TU,
 * and the last provisional/final response kept for retransmission.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.2
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Source } from '../transport/transport.js';
import { isReliable } from '../transport/transport.js';
import type { EventMap } from '../util/typed-emitter.js';
import { Transaction } from './transaction.js';
import type { TransactionContext, TransactionEvents } from './transaction.js';
import { classifyRequest, classifyTuResponse } from './transaction-input.js';
import type { TransactionState } from './transaction-state.js';

/** Base of {@link InviteServerTransaction} and {@link NonInviteServerTransaction}. */
export abstract class ServerTransactionBase<
  S extends TransactionState,
  E extends EventMap & TransactionEvents<S>,
> extends Transaction<S, E> {
  /** The request that created the transaction. */
  readonly request: SipRequest;
  /** Where it came from; responses go back per RFC 3261 §18.2.2. */
  readonly source: Source;

  #lastProvisional: SipResponse | undefined;
  #lastFinal: SipResponse | undefined;

  protected constructor(ctx: TransactionContext, id: string, request: SipRequest, source: Source, initial: S) {
    super(ctx, id, request.method, isReliable(source.protocol), initial);
    this.request = request;
    this.source = source;
  }

  /**
   * The most recent provisional response sent, while no final response has been sent (it is only re-sent in
   * Proceeding, so it is released with the final: a transaction lingering in Accepted or Completed holds no more than
   * it needs).
   */
  get lastProvisional(): SipResponse | undefined {
    return this.#lastProvisional;
  }

  /** The final response sent (for an INVITE, the last 2xx passed down in Accepted). */
  get lastFinal(): SipResponse | undefined {
    return this.#lastFinal;
  }

  /** The most recent response sent, final first. */
  get lastResponse(): SipResponse | undefined {
    return this.#lastFinal ?? this.#lastProvisional;
  }

  /**
   * Passes a response from the TU (built with `createResponse()`) to the machine, which sends it and changes state
   * as RFC 3261 §17.2 says.
   * @throws InvalidStateError when the transaction is terminated or the state does not accept this response class.
   */
  respond(response: SipResponse): void {
    if (this.isTerminated) {
      throw new InvalidStateError(`${this.kind} transaction ${this.id} is terminated; cannot send ${response.status}`);
    }
    this.input(classifyTuResponse(response));
  }

  /** @internal The layer hands a matched request (retransmission or ACK, §17.2.3) to the machine. */
  receiveRequest(request: SipRequest, source: Source): void {
    this.input(classifyRequest(request, source));
  }

  /** Sends a provisional response and remembers it for request retransmissions. */
  protected sendProvisional(response: SipResponse): void {
    this.#lastProvisional = response;
    this.sendResponseTo(response, this.source, false);
  }

  /** Sends a final response and remembers it for retransmissions. */
  protected sendFinal(response: SipResponse, isRetransmission = false): void {
    this.#lastFinal = response;
    this.#lastProvisional = undefined;
    this.sendResponseTo(response, this.source, isRetransmission);
  }

  /**
   * Terminated: nothing can be re-sent any more, so the responses are released (a call's leg keeps its transaction
   * object for the whole call; the messages need not stay with it).
   */
  protected override onDisposed(): void {
    this.#lastFinal = undefined;
    this.#lastProvisional = undefined;
  }

  /** A request retransmission arrived: re-send the most recent provisional response, if any (§17.2.1/§17.2.2). */
  protected resendProvisional(): void {
    this.ctx.onRetransmit('requestReceived');
    if (this.#lastProvisional !== undefined) this.sendResponseTo(this.#lastProvisional, this.source, true);
  }

  /** A request retransmission arrived, or Timer G fired: re-send the final response. */
  protected resendFinal(): void {
    if (this.#lastFinal !== undefined) this.sendResponseTo(this.#lastFinal, this.source, true);
  }

  /** Throws for a TU response the current state cannot take (a TU bug: STYLE.md P9 programmer error). */
  protected rejectResponse(response: SipResponse): never {
    throw new InvalidStateError(
      `${this.kind} transaction ${this.id}: cannot send ${response.status} in state ${this.state}`,
    );
  }
}
