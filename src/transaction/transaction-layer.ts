/**
 * The transaction layer (RFC 3261 §17): creates client transactions for the TU's requests, matches inbound
 * responses to them (§17.1.3), matches inbound requests to server transactions (§17.2.3, with the RFC 2543
 * fallback) or creates new ones, rejects merged requests with 482 (§8.2.2.2), matches CANCEL to the INVITE it
 * cancels (§9.2), and hands stray responses and ACKs to the TU.
 *
 * Life cycle (STYLE.md P10): `close()` is idempotent and closes every transaction.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createResponse } from '../sip/build.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { isRequest } from '../sip/message.js';
import { Method } from '../sip/methods.js';
import { urisEqual } from '../sip/uri/parse-uri.js';
import type { Endpoint, InboundMessage, Source, TransactionTransport } from '../transport/transport.js';
import { TransportError } from '../transport/transport-error.js';
import { detached } from '../util/detached.js';
import { FixedDelayQueue } from '../util/fixed-delay-queue.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import type { AnyTransactionBase, RetransmissionKind, TransactionContext } from './transaction.js';
import { clientKey, isRfc3261Branch, mergeKey, rfc2543Key, serverKey } from './transaction-key.js';
import type { TransactionLayerOptions } from './transaction-options.js';
import type { ServerTransaction, TransactionUser } from './transaction-user.js';

/** A client transaction of either kind; switch on `kind` ('InviteClient' | 'NonInviteClient'). */
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

/** Counters kept by the layer (monitoring; also mirrored into `Metrics` when one is given). */
export interface TransactionLayerCounters {
  /** Requests we retransmitted (Timers A and E) and ACKs we re-sent. */
  requestRetransmissionsSent: number;
  /** Responses we retransmitted (Timer G, answers to request retransmissions, TU 2xx retransmissions). */
  responseRetransmissionsSent: number;
  /** Request retransmissions received and absorbed by a server transaction. */
  requestRetransmissionsReceived: number;
  /** Response retransmissions received and absorbed by a client transaction. */
  responseRetransmissionsReceived: number;
  clientTransactionsCreated: number;
  serverTransactionsCreated: number;
  strayResponses: number;
  strayAcks: number;
  mergedRequests: number;
  timeouts: number;
  transportErrors: number;
  /** Inbound messages dropped because they could not be matched (missing or malformed Via, CSeq …). */
  droppedMessages: number;
}

const RETRANSMISSION_COUNTER: Record<RetransmissionKind, keyof TransactionLayerCounters> = {
  requestSent: 'requestRetransmissionsSent',
  responseSent: 'responseRetransmissionsSent',
  requestReceived: 'requestRetransmissionsReceived',
  responseReceived: 'responseRetransmissionsReceived',
};

const DEFAULT_TRYING_DELAY_MS = 200;

/** RFC 3261 §17 transaction layer. */
export class TransactionLayer {
  readonly #transport: TransactionTransport;
  readonly #log: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #ctx: TransactionContext;
  #user: TransactionUser | undefined;
  #closed = false;

  readonly #clients = new Map<string, ClientTransaction>();
  /** RFC 3261 server transactions by branch + sent-by + method. */
  readonly #servers = new Map<string, ServerTransaction>();
  /** RFC 2543 server transactions by Request-URI + From tag + Call-ID + CSeq number + top Via. */
  readonly #legacy = new Map<string, ServerTransaction[]>();
  /** §8.2.2.2: transactions created by requests without a To tag, by From tag + Call-ID + CSeq. */
  readonly #merge = new Map<string, ServerTransaction>();
  /** Linger timers by delay (a handful of delays: 64·T1, T4, and their reliable-transport values). */
  readonly #lingerQueues = new Map<number, FixedDelayQueue>();
  /** Live transactions (each is in exactly one of #clients, #servers and #legacy until it terminates). */
  #live = 0;
  readonly #counters: TransactionLayerCounters = {
    requestRetransmissionsSent: 0,
    responseRetransmissionsSent: 0,
    requestRetransmissionsReceived: 0,
    responseRetransmissionsReceived: 0,
    clientTransactionsCreated: 0,
    serverTransactionsCreated: 0,
    strayResponses: 0,
    strayAcks: 0,
    mergedRequests: 0,
    timeouts: 0,
    transportErrors: 0,
    droppedMessages: 0,
  };

  constructor(options: TransactionLayerOptions) {
    this.#transport = options.transport;
    this.#log = options.logger.child({ module: 'transaction' });
    this.#metrics = options.metrics;
    this.#user = options.user;
    const tryingDelayMs = options.tryingDelayMs ?? DEFAULT_TRYING_DELAY_MS;
    if (!Number.isFinite(tryingDelayMs) || tryingDelayMs < 0) {
      throw new TypeError(`tryingDelayMs must be a non-negative number, got ${String(tryingDelayMs)}`);
    }
    this.#ctx = Object.freeze({
      transport: options.transport,
      clock: options.clock,
      timers: Object.freeze({ ...options.timers }),
      logger: this.#log,
      tryingDelayMs,
      onTerminated: (tx: AnyTransactionBase) => this.#onTerminated(tx),
      onRetransmit: (kind: RetransmissionKind) => this.#count(RETRANSMISSION_COUNTER[kind], 'retransmission', { kind }),
      passAckToUser: (ack: SipRequest, source: Source) => this.#strayAck(ack, source),
      lingerQueue: (delayMs: number) => this.#lingerQueue(delayMs),
    });
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A snapshot of the counters. */
  get counters(): Readonly<TransactionLayerCounters> {
    return { ...this.#counters };
  }

  /** Live transactions (client + server). */
  get size(): number {
    return this.#live;
  }

  /**
   * Binds the TU (the dialog layer is built after the transaction layer).
   * @throws InvalidStateError when a TU is already bound.
   */
  setUser(user: TransactionUser): void {
    if (this.#user !== undefined) throw new InvalidStateError('transaction layer already has a transaction user');
    this.#user = user;
  }

  /**
   * Starts a client transaction for `request` (§17.1). The TU built the top Via with a fresh branch
   * (`newBranch()`); the transport fills in its sent-by. INVITE gets an {@link InviteClientTransaction}, any other
   * method but ACK a {@link NonInviteClientTransaction}.
   * @throws TypeError for ACK (use {@link sendAck}), a branch without the RFC 3261 cookie, a CSeq method that differs
   * from the request method, or a branch already in use; InvalidStateError after `close()`.
   */
  sendRequest(request: SipRequest, target: Endpoint): ClientTransaction {
    if (this.#closed) throw new InvalidStateError('transaction layer is closed');
    if (request.method === Method.ACK) {
      throw new TypeError('ACK is not sent in a transaction: use sendAck() (RFC 3261 §17.1.1.3)');
    }
    const branch = request.branch;
    // §8.1.1.7: "The branch ID inserted by an element compliant with this specification MUST always begin with the
    // characters 'z9hG4bK'."
    if (!isRfc3261Branch(branch)) throw new TypeError(`top Via branch must start with z9hG4bK, got ${String(branch)}`);
    const cseq = request.cseq;
    if (cseq.method !== request.method) {
      throw new TypeError(`CSeq method ${cseq.method} differs from request method ${request.method}`);
    }
    const key = clientKey(branch, request.method);
    if (this.#clients.has(key)) throw new TypeError(`a client transaction already uses branch ${branch}`);
    const id = `${branch}/${request.method}`;
    const tx: ClientTransaction =
      request.method === Method.INVITE
        ? new InviteClientTransaction(this.#ctx, id, request, target)
        : new NonInviteClientTransaction(this.#ctx, id, request, target);
    this.#clients.set(key, tx);
    tx.filedKey = key;
    this.#live++;
    this.#counters.clientTransactionsCreated++;
    tx.start();
    return tx;
  }

  /**
   * Whether one of our INVITE client transactions with this branch is still unanswered (Calling or Proceeding): a
   * request that comes back carrying it in a Via has looped (RFC 3261 §16.3 item 4, §8.2.2.2). One map lookup, so
   * the check costs the same however many calls are ringing.
   */
  hasPendingInvite(branch: string): boolean {
    const tx = this.#clients.get(clientKey(branch, Method.INVITE));
    return tx !== undefined && (tx.state === 'Calling' || tx.state === 'Proceeding');
  }

  /** {@link sendRequest} for an INVITE, typed. @throws TypeError when `request` is not an INVITE. */
  sendInvite(request: SipRequest, target: Endpoint): InviteClientTransaction {
    if (request.method !== Method.INVITE) throw new TypeError(`sendInvite() needs an INVITE, got ${request.method}`);
    return this.sendRequest(request, target) as InviteClientTransaction;
  }

  /** {@link sendRequest} for a non-INVITE request, typed. @throws TypeError for INVITE or ACK. */
  sendNonInvite(request: SipRequest, target: Endpoint): NonInviteClientTransaction {
    if (request.method === Method.INVITE) throw new TypeError('sendNonInvite() cannot send an INVITE');
    return this.sendRequest(request, target) as NonInviteClientTransaction;
  }

  /**
   * Sends an ACK for a 2xx outside any transaction (RFC 3261 §17.1.1.3: "the ACK for a 2xx … is not part of the
   * transaction"; §13.2.2.4). The TU re-sends it for each 2xx retransmission it is handed.
   * @throws (rejects) TransportError when the transport cannot send it.
   */
  async sendAck(ack: SipRequest, target: Endpoint): Promise<void> {
    if (this.#closed) throw new InvalidStateError('transaction layer is closed');
    if (ack.method !== Method.ACK) throw new TypeError(`sendAck() needs an ACK, got ${ack.method}`);
    try {
      await this.#transport.sendRequest(ack, target);
    } catch (err: unknown) {
      throw err instanceof TransportError ? err : new TransportError('ACK send failed', { cause: err });
    }
  }

  /**
   * The entry point of the transport layer: one inbound message. Never throws — a message that cannot be matched
   * (no Via, malformed CSeq …) is counted and dropped with a warning.
   */
  receive(inbound: InboundMessage): void {
    if (this.#closed) {
      this.#log.debug('message received after close ignored');
      return;
    }
    const { message, source } = inbound;
    try {
      if (isRequest(message)) this.#receiveRequest(message, source);
      else this.#receiveResponse(message, source);
    } catch (err: unknown) {
      this.#count('droppedMessages', 'dropped');
      this.#log.warn({ err, source: source.remote }, 'inbound message dropped: cannot be matched to a transaction');
    }
  }

  /**
   * The INVITE server transaction a CANCEL cancels (RFC 3261 §9.2): "the transaction matching procedures of Section
   * 17.2.3" applied as if the CANCEL were the INVITE — same branch and sent-by for RFC 3261 peers; same Request-URI,
   * From tag, Call-ID, CSeq number, top Via and To tag for RFC 2543 peers. Undefined when none is live.
   */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, Method.INVITE);
    if (key !== undefined) {
      const tx = this.#servers.get(key);
      return tx?.kind === 'InviteServer' && !tx.isTerminated ? tx : undefined;
    }
    const toTag = cancel.to.tag;
    for (const tx of this.#legacy.get(rfc2543Key(cancel)) ?? []) {
      if (tx.kind !== 'InviteServer' || tx.isTerminated) continue;
      if (tx.request.to.tag === toTag && urisEqual(tx.request.uri, cancel.uri)) return tx;
    }
    return undefined;
  }

  /** Closes every transaction (cascade) and stops accepting messages. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const live: AnyTransactionBase[] = [...this.#clients.values(), ...this.#servers.values()];
    for (const list of this.#legacy.values()) live.push(...list);
    for (const tx of live) tx.close();
    for (const q of this.#lingerQueues.values()) q.close();
    this.#log.debug('transaction layer closed');
  }

  #receiveResponse(response: SipResponse, source: Source): void {
    const branch = response.branch;
    const tx = branch === undefined ? undefined : this.#clients.get(clientKey(branch, response.cseq.method));
    // A 2xx that an INVITE client transaction in Accepted passed up to no listener goes on as a stray one.
    if (tx !== undefined && tx.receiveResponse(response)) return;
    // No client transaction (never existed, or already terminated — e.g. a 2xx retransmission after Timer M), or one
    // whose TU let go of it: the TU decides (§13.2.2.4: the UAC core re-ACKs 2xx retransmissions).
    this.#count('strayResponses', 'stray', { kind: 'response' });
    this.#log.debug({ status: response.status, branch }, 'stray response');
    const user = this.#user;
    if (user !== undefined) this.#callUser(() => user.onStrayResponse(response, source));
  }

  #receiveRequest(request: SipRequest, source: Source): void {
    // §17.2.3 key, computed once for matching and (when nothing matches) for the new transaction.
    const key = serverKey(request);
    const existing = this.#matchServer(request, key);
    if (request.method === Method.ACK) {
      if (existing?.kind === 'InviteServer') {
        // §17.2.3 ACK matching: the IST absorbs the ACK for its non-2xx; in Accepted it passes it up (RFC 6026).
        existing.receiveRequest(request, source);
      } else {
        // §17.1.1.3: the ACK for a 2xx has its own branch and is not part of the INVITE transaction.
        this.#strayAck(request, source);
      }
      return;
    }
    if (existing !== undefined) {
      existing.receiveRequest(request, source);
      return;
    }
    const user = this.#user;
    if (user === undefined) {
      this.#count('droppedMessages', 'dropped');
      this.#log.warn({ method: request.method }, 'request dropped: no transaction user bound');
      return;
    }
    const tx = this.#createServer(request, source, key);
    if (this.#isMerged(request, tx)) {
      // §8.2.2.2: "If the From tag, Call-ID, and CSeq exactly match those associated with an ongoing transaction,
      // but the request does not match that transaction (based on the matching rules in Section 17.2.3), the UAS
      // core SHOULD generate a 482 (Loop Detected) response and pass it to the server transaction."
      this.#count('mergedRequests', 'merged');
      this.#log.info({ method: request.method, callId: request.callId }, 'merged request rejected with 482');
      tx.respond(createResponse(request, 482));
      return;
    }
    if (request.method === Method.CANCEL) {
      const invite = this.findInviteForCancel(request);
      if (tx.kind === 'NonInviteServer') this.#callUser(() => user.onCancel(tx, request, invite, source));
      return;
    }
    this.#callUser(() => user.onRequest(tx, request, source));
  }

  /** §17.2.3 server matching: by branch + sent-by + method for RFC 3261 peers, RFC 2543 rules otherwise. */
  #matchServer(request: SipRequest, key: string | undefined): ServerTransaction | undefined {
    if (key !== undefined) {
      const tx = this.#servers.get(key);
      return tx === undefined || tx.isTerminated ? undefined : tx;
    }
    const candidates = this.#legacy.get(rfc2543Key(request));
    if (candidates === undefined) return undefined;
    const toTag = request.to.tag;
    for (const tx of candidates) {
      // RFC 2543 matching starts with "the Request-URI … match[es]" (§17.2.3 refers to RFC 2543 §17).
      if (tx.isTerminated || !urisEqual(tx.request.uri, request.uri)) continue;
      if (request.method === Method.ACK) {
        // §17.2.3 (RFC 2543): the ACK matches the INVITE if "the To tag of the ACK matches the To tag of the response
        // sent by the server transaction".
        if (tx.kind === 'InviteServer' && tx.lastResponse?.to.tag === toTag) return tx;
      } else if (tx.request.method === request.method && tx.request.to.tag === toTag) {
        return tx;
      }
    }
    return undefined;
  }

  #createServer(request: SipRequest, source: Source, matchKey: string | undefined): ServerTransaction {
    // The keys and the id outlive the request (64·T1 in Accepted or Completed): copies, not views of its text, which
    // they would otherwise keep alive (util/detached.ts).
    const key = matchKey === undefined ? undefined : detached(matchKey);
    const legacyKey = key === undefined ? detached(rfc2543Key(request)) : undefined;
    const id = detached(
      key === undefined
        ? `rfc2543/${request.callId}/${request.cseq.seq}/${request.method}/${this.#counters.serverTransactionsCreated}`
        : `${request.topVia.branch ?? ''}/${request.method}`,
    );
    const tx: ServerTransaction =
      request.method === Method.INVITE
        ? new InviteServerTransaction(this.#ctx, id, request, source, key !== undefined)
        : new NonInviteServerTransaction(this.#ctx, id, request, source, key !== undefined);
    if (key !== undefined) this.#servers.set(key, tx);
    if (legacyKey !== undefined) {
      const list = this.#legacy.get(legacyKey);
      if (list === undefined) this.#legacy.set(legacyKey, [tx]);
      else list.push(tx);
    }
    let merge = request.to.tag === undefined ? mergeKey(request) : undefined;
    if (merge !== undefined) {
      if (this.#merge.has(merge)) merge = undefined;
      else {
        merge = detached(merge);
        this.#merge.set(merge, tx);
      }
    }
    tx.filedKey = key;
    tx.filedLegacyKey = legacyKey;
    tx.filedMergeKey = merge;
    this.#live++;
    this.#counters.serverTransactionsCreated++;
    return tx;
  }

  /** §8.2.2.2: a request without a To tag whose From tag + Call-ID + CSeq belong to another live transaction. */
  #isMerged(request: SipRequest, tx: ServerTransaction): boolean {
    if (request.to.tag !== undefined) return false;
    const first = this.#merge.get(mergeKey(request));
    return first !== undefined && first !== tx && !first.isTerminated;
  }

  #strayAck(ack: SipRequest, source: Source): void {
    this.#count('strayAcks', 'stray', { kind: 'ack' });
    const user = this.#user;
    if (user !== undefined) this.#callUser(() => user.onStrayAck(ack, source));
  }

  #onTerminated(tx: AnyTransactionBase): void {
    this.#live--;
    this.#unfile(tx);
    const reason = (tx as ClientTransaction | ServerTransaction).terminationReason;
    if (reason === 'timeout') this.#count('timeouts', 'failure', { reason });
    else if (reason === 'transportError') this.#count('transportErrors', 'failure', { reason });
  }

  #lingerQueue(delayMs: number): FixedDelayQueue {
    let q = this.#lingerQueues.get(delayMs);
    if (q === undefined) {
      q = new FixedDelayQueue(this.#ctx.clock, delayMs, (err: unknown) => this.#log.error({ err }, 'linger timer failed'));
      this.#lingerQueues.set(delayMs, q);
    }
    return q;
  }

  /** Takes a terminated transaction out of its stores and clears its filing (whoever still holds it keeps no key). */
  #unfile(tx: AnyTransactionBase): void {
    const key = tx.filedKey;
    const legacyKey = tx.filedLegacyKey;
    const merge = tx.filedMergeKey;
    tx.filedKey = tx.filedLegacyKey = tx.filedMergeKey = undefined;
    if (tx.kind === 'InviteClient' || tx.kind === 'NonInviteClient') {
      if (key !== undefined && this.#clients.get(key) === tx) this.#clients.delete(key);
      return;
    }
    if (key !== undefined && this.#servers.get(key) === tx) this.#servers.delete(key);
    if (legacyKey !== undefined) {
      const rest = (this.#legacy.get(legacyKey) ?? []).filter((t) => t !== tx);
      if (rest.length === 0) this.#legacy.delete(legacyKey);
      else this.#legacy.set(legacyKey, rest);
    }
    if (merge !== undefined && this.#merge.get(merge) === tx) this.#merge.delete(merge);
  }

  #callUser(fn: () => void): void {
    try {
      fn();
    } catch (err: unknown) {
      this.#log.error({ err }, 'transaction user threw');
    }
  }

  #count(
    counter: keyof TransactionLayerCounters,
    metric: 'retransmission' | 'stray' | 'merged' | 'failure' | 'dropped',
    labels?: Record<string, string>,
  ): void {
    this.#counters[counter]++;
    const m = this.#metrics;
    if (m === undefined) return;
    switch (metric) {
      case 'retransmission':
        m.inc('tandem_sip_retransmissions_total', 'SIP retransmissions sent and absorbed', labels);
        return;
      case 'stray':
        m.inc('tandem_sip_stray_total', 'Responses and ACKs matching no transaction', labels);
        return;
      case 'merged':
        m.inc('tandem_sip_merged_requests_total', 'Merged requests rejected with 482 (RFC 3261 §8.2.2.2)');
        return;
      case 'failure':
        m.inc('tandem_sip_transaction_failures_total', 'Transactions ended by timeout or transport error', labels);
        return;
      case 'dropped':
        m.inc('tandem_sip_transaction_dropped_total', 'Inbound messages that could not be matched');
        return;
    }
  }
}
