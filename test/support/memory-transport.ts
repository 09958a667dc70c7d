import type { Clock } from '../../src/util/clock.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import type { Endpoint, InboundMessage, PreparedResponse, Source, TransactionTransport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport-error.js';

/** One message handed to the transport. */
export type SentRecord =
  | { readonly kind: 'request'; readonly message: SipRequest; readonly target: Endpoint; readonly at: number }
  | { readonly kind: 'response'; readonly message: SipResponse; readonly source: Source | undefined; readonly at: number };

interface MemoryPrepared extends PreparedResponse {
  readonly response: SipResponse;
  readonly source: Source | undefined;
}

/** Something that takes inbound messages (a TransactionLayer). */
export interface MessageSink {
  receive(inbound: InboundMessage): void;
}

/**
 * An in-process {@link TransactionTransport} for unit tests (STYLE.md P15, after sipgo's recorders): records every
 * message it is asked to send, can fail on demand, and can be piped to a peer layer so that two transaction layers
 * talk to each other without sockets.
 */
export class MemoryTransport implements TransactionTransport {
  readonly #sent: SentRecord[] = [];
  #failures = 0;
  #failAlways = false;
  #peer: { sink: MessageSink; source: Source } | undefined;
  readonly #clock: Clock | undefined;

  /** With a clock, each record carries the (virtual) time it was sent at. */
  constructor(clock?: Clock) {
    this.#clock = clock;
  }

  /** Times (clock ms) at which requests of `method` were sent. */
  requestTimes(method?: string): number[] {
    return this.#sent.filter((r) => r.kind === 'request' && (method === undefined || r.message.method === method)).map((r) => r.at);
  }

  /** Times (clock ms) at which responses with `status` were sent. */
  responseTimes(status?: number): number[] {
    return this.#sent.filter((r) => r.kind === 'response' && (status === undefined || r.message.status === status)).map((r) => r.at);
  }

  /** Every message sent so far, in order. */
  get sent(): readonly SentRecord[] {
    return this.#sent;
  }

  /** Requests sent, optionally only those of one method. */
  requests(method?: string): SipRequest[] {
    const out: SipRequest[] = [];
    for (const r of this.#sent) if (r.kind === 'request' && (method === undefined || r.message.method === method)) out.push(r.message);
    return out;
  }

  /** Responses sent, optionally only those with one status. */
  responses(status?: number): SipResponse[] {
    const out: SipResponse[] = [];
    for (const r of this.#sent) if (r.kind === 'response' && (status === undefined || r.message.status === status)) out.push(r.message);
    return out;
  }

  /** The next `count` sends reject with a TransportError. */
  failNext(count = 1): void {
    this.#failures += count;
  }

  /** Every send rejects with a TransportError until called with false. */
  failAlways(on = true): void {
    this.#failAlways = on;
  }

  /** Forgets what was sent. */
  clear(): void {
    this.#sent.length = 0;
  }

  /** Delivers everything sent from now on to `sink` (on a microtask), as coming from `source`. */
  pipeTo(sink: MessageSink, source: Source): void {
    this.#peer = { sink, source };
  }

  sendRequest(request: SipMessage & { kind: 'request' }, target: Endpoint): Promise<void> {
    this.#sent.push({ kind: 'request', message: request, target, at: this.#clock?.now() ?? 0 });
    return this.#complete(request);
  }

  sendResponse(response: SipMessage & { kind: 'response' }, source?: Source): Promise<void> {
    this.#sent.push({ kind: 'response', message: response, source, at: this.#clock?.now() ?? 0 });
    return this.#complete(response);
  }

  /** Keeps the response itself (a test double has no wire form): re-sends record the same message again. */
  prepareResponse(response: SipMessage & { kind: 'response' }, source?: Source): PreparedResponse {
    const prepared: MemoryPrepared = { status: response.status, response, source };
    return prepared;
  }

  sendPreparedResponse(prepared: PreparedResponse): Promise<void> {
    const p = prepared as MemoryPrepared;
    return this.sendResponse(p.response, p.source);
  }

  #complete(message: SipMessage): Promise<void> {
    if (this.#failAlways || this.#failures > 0) {
      if (this.#failures > 0) this.#failures--;
      return Promise.reject(new TransportError('memory transport: send failed on demand'));
    }
    const peer = this.#peer;
    if (peer !== undefined) queueMicrotask(() => peer.sink.receive({ message, source: peer.source }));
    return Promise.resolve();
  }
}
