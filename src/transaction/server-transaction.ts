/**
 * What the two server machines share (RFC 3261 §17.2): the request and where it came from, `respond()` for the TU,
 * and the last provisional/final response kept for retransmission.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.2
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { PreparedResponse, Source } from '../transport/transport.js';
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
  /** Where it came from; responses go back per RFC 3261 §18.2.2. */
  readonly source: Source;
  /**
   * The transaction is matched by branch (RFC 3261 §17.2.3), not by the RFC 2543 rules, which compare the request's
   * Request-URI and tags and the response's To tag for as long as the transaction lives.
   */
  readonly isMatchedByBranch: boolean;

  #request: SipRequest | undefined;
  #lastProvisional: SipResponse | undefined;
  #lastFinal: SipResponse | undefined;
  /** The final response as routed and serialized, for re-sending it (Completed keeps only this). */
  #finalWire: PreparedResponse | undefined;

  protected constructor(ctx: TransactionContext, id: string, request: SipRequest, source: Source, initial: S, isMatchedByBranch: boolean) {
    super(ctx, id, request.method, isReliable(source.protocol), initial);
    this.#request = request;
    this.source = source;
    this.isMatchedByBranch = isMatchedByBranch;
  }

  /**
   * The request that created the transaction.
   * @throws InvalidStateError once let go ({@link ServerTransactionBase.releaseMessages}: an INVITE transaction in
   *   Accepted).
   */
  get request(): SipRequest {
    if (this.#request === undefined) throw new InvalidStateError(`${this.kind} transaction ${this.id} no longer holds its request (${this.state})`);
    return this.#request;
  }

  /**
   * The most recent provisional response sent, while no final response has been sent (it is only re-sent in
   * Proceeding, so it is released with the final: a transaction lingering in Accepted or Completed holds no more than
   * it needs).
   */
  get lastProvisional(): SipResponse | undefined {
    return this.#lastProvisional;
  }

  /**
   * The final response sent (for an INVITE, the last 2xx passed down in Accepted), until the transaction lingers
   * (Completed, Accepted), where a branch-matched transaction keeps its bytes only ({@link finalStatus}).
   */
  get lastFinal(): SipResponse | undefined {
    return this.#lastFinal;
  }

  /** The status of the final response sent, also once only its bytes are kept. */
  get finalStatus(): number | undefined {
    return this.#lastFinal?.status ?? this.#finalWire?.status;
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

  /** Sends a final response and remembers it, and its bytes, for retransmissions. */
  protected sendFinal(response: SipResponse, isRetransmission = false): void {
    this.#lastFinal = response;
    this.#lastProvisional = undefined;
    this.#finalWire = this.sendResponseKept(response, this.source, isRetransmission);
  }

  /**
   * Sends the 2xx that takes an INVITE transaction to Accepted. RFC 6026 §7.1: the transaction never re-sends it (the
   * TU does), so no bytes are kept for it; the response is remembered as the last final, for RFC 2543 matching.
   */
  protected sendAcceptingFinal(response: SipResponse, isRetransmission = false): void {
    this.#lastFinal = response;
    this.#lastProvisional = undefined;
    this.sendResponseTo(response, this.source, isRetransmission);
  }

  /**
   * A 2xx retransmission the TU passes in Accepted: sent, and remembered only where the RFC 2543 matching reads the
   * last response ({@link ServerTransactionBase.releaseMessages}).
   */
  protected sendFinalRetransmission(response: SipResponse): void {
    if (this.isMatchedByBranch) this.sendResponseTo(response, this.source, true);
    else this.sendAcceptingFinal(response, true);
  }

  /**
   * Terminated: nothing can be re-sent any more, so the responses are released (a call's leg keeps its transaction
   * object for the whole call; the messages need not stay with it).
   */
  protected override onDisposed(): void {
    this.#lastFinal = undefined;
    this.#lastProvisional = undefined;
    this.#finalWire = undefined;
  }

  /**
   * Lets go of the request and the responses while the transaction lingers with nothing left to re-send (an INVITE
   * server transaction in Accepted: RFC 6026 §7.1 absorbs INVITE retransmissions and passes ACKs up, the TU sends
   * the 2xx retransmissions itself). A branch-matched transaction only: RFC 2543 matching reads them to the end.
   */
  protected releaseMessages(): void {
    if (!this.isMatchedByBranch) return;
    this.#request = undefined;
    this.#lastFinal = undefined;
    this.#lastProvisional = undefined;
    this.#finalWire = undefined;
  }

  /**
   * Completed (§17.2.1, §17.2.2): what is left to do is re-send the final response when the request is retransmitted
   * (and, for an INVITE, on Timer G), for up to 64·T1. Its bytes suffice; the request and the response objects, which
   * hold the request's whole text, are let go. A branch-matched transaction only (see {@link releaseMessages}).
   */
  protected keepOnlyFinalBytes(): void {
    if (!this.isMatchedByBranch || this.#finalWire === undefined) return;
    this.#request = undefined;
    this.#lastFinal = undefined;
    this.#lastProvisional = undefined;
  }

  /** A request retransmission arrived: re-send the most recent provisional response, if any (§17.2.1/§17.2.2). */
  protected resendProvisional(): void {
    this.ctx.onRetransmit('requestReceived');
    if (this.#lastProvisional !== undefined) this.sendResponseTo(this.#lastProvisional, this.source, true);
  }

  /** A request retransmission arrived, or Timer G fired: re-send the final response (the same bytes). */
  protected resendFinal(): void {
    if (this.#finalWire !== undefined) this.resendPrepared(this.#finalWire);
    else if (this.#lastFinal !== undefined) this.sendResponseTo(this.#lastFinal, this.source, true);
  }

  /** Throws for a TU response the current state cannot take (a TU bug: STYLE.md P9 programmer error). */
  protected rejectResponse(response: SipResponse): never {
    throw new InvalidStateError(
      `${this.kind} transaction ${this.id}: cannot send ${response.status} in state ${this.state}`,
    );
  }
}
