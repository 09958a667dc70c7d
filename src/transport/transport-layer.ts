/**
 * The SIP transport layer (RFC 3261 §18, RFC 3581): owns the UDP/TCP/TLS transports built from listen URLs and
 * implements {@link TransactionTransport} for the transaction layer.
 *
 * Sending requests (§18.1.1): the top Via gets our transport and sent-by (the listening socket's host and port, or
 * the advertised ones) and `;rport` (RFC 3581 §3); then the request is serialized and sent on the transport that
 * `Endpoint.protocol` names. Optionally (off by default) a UDP request larger than 1300 bytes goes over TCP.
 *
 * Sending responses (§18.2.2): see response-routing.ts.
 *
 * Receiving (§18.1.2, §18.2.1): every datagram / framed message is parsed. A request gets `received`/`rport`
 * (RFC 3581 §4); a malformed request with a readable Via is answered 400 (reason phrase naming the problem) and a
 * malformed one without a Via is dropped and counted; a malformed response, or one whose top Via is not ours, is
 * dropped and counted. Nothing on this path throws.
 *
 * Events: 'message' ({@link InboundMessage}) for the transaction layer; 'error' ({@link TransportError}) for socket
 * failures outside a send.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18
 * @see https://www.rfc-editor.org/rfc/rfc3581
 */
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { Counter } from '../observability/metrics.js';
import { Metrics } from '../observability/metrics.js';
import type { SipParseError } from '../sip/errors.js';
import type { HeaderField } from '../sip/header-list.js';
import type { Via } from '../sip/headers/header-types.js';
import type { SipMessage, SipRequest, SipResponse } from '../sip/message.js';
import { isRequest } from '../sip/message.js';
import type { ParserLimits } from '../sip/parser/limits.js';
import { DEFAULT_LIMITS } from '../sip/parser/limits.js';
import { badRequestFor, parseMessage } from '../sip/parser/parse-message.js';
import { serializeMessage } from '../sip/serialize.js';
import type { Clock } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { detached } from '../util/detached.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { bracketIfIpv6, canonicalHost, ipFamily, isWildcard, stripBrackets } from './address.js';
import { parseListenUrl } from './listen-url.js';
import type { ResponseRoute } from './response-routing.js';
import { routeResponse } from './response-routing.js';
import type { HostPort, RawInbound, SocketTransport } from './socket-transport.js';
import type { DropReason } from './socket-transport.js';
import { TransportMetric, TransportMetricHelp } from './socket-transport.js';
import { StreamTransport } from './stream-transport.js';
import { TcpTransport } from './tcp-transport.js';
import { TlsTransport } from './tls-transport.js';
import { TransportError } from './transport-error.js';
import type { ListenSpec, StreamTransportOptions, TransportLayerOptions } from './transport-options.js';
import { UDP_SIZE_THRESHOLD } from './transport-options.js';
import type { Endpoint, InboundMessage, PreparedResponse, Source, TransactionTransport, TransportProtocol } from './transport.js';
import { UdpTransport } from './udp-transport.js';
import type { SentBy } from './via-fixups.js';
import { applyReceivedRport, sentByMatches, stampVia } from './via-fixups.js';

/** One socket the layer listens on, as bound. */
export interface ListeningPoint {
  readonly url: string;
  readonly protocol: TransportProtocol;
  /** Bound address (IPv6 without brackets) and port (the real one when the URL said 0). */
  readonly address: string;
  readonly port: number;
  /** What goes into Via sent-by for requests sent from here (IPv6 bracketed). */
  readonly sentBy: SentBy;
}

/** Events of {@link TransportLayer} (STYLE.md P10: typed). */
export type TransportLayerEvents = {
  /** A request (fixed up per §18.2.1) or a response (sent-by checked per §18.1.2) for the transaction layer. */
  message: [InboundMessage];
  /** A socket failed outside any send. */
  error: [TransportError];
};

interface Planned {
  readonly url: string;
  readonly protocol: TransportProtocol;
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string | undefined;
  readonly advertisedPort: number | undefined;
}

interface Entry {
  readonly point: ListeningPoint;
  readonly transport: SocketTransport;
  readonly family: 4 | 6;
  /** `point.address` as {@link canonicalHost} gives it (computed once: every UDP response compares it). */
  readonly canonicalAddress: string;
  /** messages-out counter of this entry's protocol. */
  readonly out: Counter;
}

type InCounters = Record<TransportProtocol, { request?: Counter; response?: Counter }>;

/** The transport layer: listening sockets, Via stamping and fix-ups, response routing (RFC 3261 §18). */
export class TransportLayer extends TypedEmitter<TransportLayerEvents> implements TransactionTransport {
  readonly #plan: readonly Planned[];
  readonly #options: TransportLayerOptions;
  readonly #limits: ParserLimits;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #entries: Entry[] = [];
  #sentBys: SentBy[] = [];
  #started: Promise<readonly ListeningPoint[]> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #in: InCounters = { udp: {}, tcp: {}, tls: {} };
  /** Held back until the input waiting is handled ({@link afterPendingInput}): what to run, and by when. */
  #held: (() => void)[] = [];
  #heldUntil: number[] = [];
  #heldCheckScheduled = false;
  readonly #runHeldCheck = (): void => {
    this.#heldCheckScheduled = false;
    this.#releaseHeld();
  };
  readonly #clock: Clock;

  /**
   * Checks the listen URLs (no I/O yet; call {@link start}).
   * @throws TypeError for a malformed URL, a wildcard bind without `advertisedHost`, or `tls://` without tls options.
   */
  constructor(options: TransportLayerOptions) {
    super();
    this.#options = Object.freeze({ ...options, listen: Object.freeze([...options.listen]) });
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#log = (options.logger ?? silentLogger()).child({ module: 'transport' });
    this.#metrics = options.metrics ?? new Metrics();
    this.#clock = options.clock ?? new SystemClock();
    this.#plan = Object.freeze(this.#options.listen.map((l) => this.#planOne(typeof l === 'string' ? { url: l } : l)));
    if (this.#plan.length === 0) throw new TypeError('the transport layer needs at least one listen URL');
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The bound listening points (empty before start() resolves). */
  get listeningPoints(): readonly ListeningPoint[] {
    return this.#entries.map((e) => e.point);
  }

  /** The counters this layer writes (the injected registry, or its own). */
  get metrics(): Metrics {
    return this.#metrics;
  }

  /**
   * Binds every listen URL. If one fails, the ones already bound are closed and the error is thrown.
   * Idempotent: later calls return the first call's promise.
   * @throws TransportError when a bind fails or the layer is closed.
   */
  start(): Promise<readonly ListeningPoint[]> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<readonly ListeningPoint[]> {
    if (this.#closed) throw new TransportError('transport layer is closed');
    const entries: Entry[] = [];
    try {
      for (const p of this.#plan) {
        const transport = this.#makeTransport(p.protocol);
        const bound = await transport.listen(p.host, p.port);
        const family: 4 | 6 = ipFamily(bound.address) === 6 ? 6 : 4;
        const sentBy: SentBy = {
          host: bracketIfIpv6(p.advertisedHost ?? bound.address),
          port: p.advertisedPort ?? bound.port,
        };
        const point: ListeningPoint = Object.freeze({
          url: p.url,
          protocol: p.protocol,
          address: bound.address,
          port: bound.port,
          sentBy,
        });
        entries.push({ point, transport, family, canonicalAddress: canonicalHost(bound.address), out: this.#outCounter(p.protocol) });
        if (transport instanceof UdpTransport) transport.onInputHandled = () => this.#releaseHeld();
        transport.on('message', (raw) => this.#onRaw(raw));
        transport.on('error', (err) => {
          this.#log.warn({ err, url: p.url }, 'transport error');
          this.safeEmit('error', err);
        });
        if (this.#closed) break;
      }
    } catch (err: unknown) {
      await Promise.allSettled(entries.map((e) => e.transport.close()));
      throw err;
    }
    if (this.#closed) {
      await Promise.allSettled(entries.map((e) => e.transport.close()));
      throw new TransportError('transport layer closed while starting');
    }
    this.#entries = entries;
    this.#sentBys = entries.map((e) => e.point.sentBy);
    return this.listeningPoints;
  }

  /**
   * Runs `fn` once no UDP socket has input waiting, or `maxDelayMs` from now while input keeps waiting (checked as
   * each batch of datagrams is handled). Never synchronously: a timer fires before the event loop polls the sockets,
   * so the first check comes after this turn's poll, whose datagrams are handled first (see the Backlog paragraph in
   * udp-transport.ts). Stream transports deliver as they read; they hold nothing back.
   */
  afterPendingInput(fn: () => void, maxDelayMs: number): void {
    this.#held.push(fn);
    this.#heldUntil.push(this.#clock.now() + maxDelayMs);
    if (!this.#heldCheckScheduled) {
      this.#heldCheckScheduled = true;
      setImmediate(this.#runHeldCheck);
    }
  }

  /**
   * How long received input waits before it is handled, ms: the longest input delay of the UDP transports (measured
   * by a probe while a transport is backlogged, see Input delay in udp-transport.ts), 0 while every one keeps up.
   * Stream transports read as data comes and have no queue of their own to measure.
   */
  inputDelayMs(): number {
    let delay = 0;
    for (const e of this.#entries) {
      if (e.transport instanceof UdpTransport) delay = Math.max(delay, e.transport.inputDelayMs());
    }
    return delay;
  }

  /** Runs what was held back: all of it when no UDP input waits, else what is due. Failures are logged. */
  #releaseHeld(): void {
    if (this.#held.length === 0) return;
    let waiting = false;
    for (const e of this.#entries) {
      if (e.transport instanceof UdpTransport && e.transport.inputPending) waiting = true;
    }
    // Nothing waiting (or closing): everything is due.
    const now = waiting && !this.#closed ? this.#clock.now() : Infinity;
    const held = this.#held;
    const until = this.#heldUntil;
    const run: (() => void)[] = [];
    let kept = 0;
    for (let i = 0; i < held.length; i++) {
      if (until[i]! <= now) {
        run.push(held[i]!);
      } else {
        held[kept] = held[i]!;
        until[kept] = until[i]!;
        kept++;
      }
    }
    held.length = kept;
    until.length = kept;
    for (const fn of run) {
      try {
        fn();
      } catch (err: unknown) {
        this.#log.error({ err }, 'held-back callback failed');
      }
    }
  }

  /**
   * Sends a request (RFC 3261 §18.1.1). The top Via of `request` is stamped in place with the transport and
   * sent-by of the socket used, plus `;rport`, so that the caller (CANCEL, ACK construction) sees the Via that went
   * on the wire.
   * @throws TypeError when the request has no Via, SipHeaderError when it is malformed; TransportError when no listener
   *   fits the target or the send fails.
   */
  sendRequest(request: SipRequest, target: Endpoint): Promise<void> {
    // Not `async`: the common case (one send) makes one promise, not a chain of them; every failure still rejects.
    try {
      if (this.#closed) throw new TransportError('transport layer is closed');
      const entry = this.#pick(target.protocol, target.address);
      if (entry === undefined) {
        const family = ipFamily(target.address) === 6 ? 6 : 4;
        throw new TransportError(`no ${target.protocol} listener for IPv${family} target ${target.address}`);
      }
      const bytes = this.#stamp(request, entry);
      const threshold = this.#options.udpSizeThreshold ?? UDP_SIZE_THRESHOLD;
      if (target.protocol === 'udp' && this.#options.switchToTcpWhenLarge === true && bytes.length > threshold) {
        return this.#sendLarge(request, target, entry, bytes);
      }
      return this.#sendBytes(entry, bytes, target, request);
    } catch (err: unknown) {
      return Promise.reject(err);
    }
  }

  /** §18.1.1: a large UDP request goes over TCP when a TCP listener fits; back to UDP when that fails. */
  async #sendLarge(request: SipRequest, target: Endpoint, entry: Entry, udpBytes: Buffer): Promise<void> {
    let bytes = udpBytes;
    // §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than 1300 bytes and the path
    // MTU is unknown, the request MUST be sent using an RFC 2914 congestion controlled transport protocol, such as
    // TCP."
    const tcp = this.#pick('tcp', target.address);
    if (tcp !== undefined) {
      const tcpBytes = this.#stamp(request, tcp);
      try {
        await this.#sendBytes(tcp, tcpBytes, target, request);
        return;
      } catch (err: unknown) {
        // §18.1.1: "if the attempt to establish the connection generates … a TCP reset, the element SHOULD retry
        // the request, using UDP."
        this.#log.info({ err, target }, 'TCP for a large request failed; retrying over UDP');
        bytes = this.#stamp(request, entry);
      }
    }
    await this.#sendBytes(entry, bytes, target, request);
  }

  /**
   * Sends a response where RFC 3261 §18.2.2 says (see {@link routeResponse}): on the request's connection, else to
   * received/rport, maddr or sent-by. `source` is the {@link Source} of the request.
   * @throws SipHeaderError when the response has no readable Via; TransportError when it cannot be routed or sent.
   */
  sendResponse(response: SipResponse, source?: Source): Promise<void> {
    // Not `async` (see sendRequest): the UDP case is one promise; the rest keeps its async form.
    try {
      if (this.#closed) throw new TransportError('transport layer is closed');
      return this.#sendOnRoute(routeResponse(response.topVia, source), serializeMessage(response), response);
    } catch (err: unknown) {
      return Promise.reject(err);
    }
  }

  /**
   * Routes and serializes a response without sending it (see {@link TransactionTransport.prepareResponse}). The result
   * keeps copies of the addresses and, once first sent, its bytes as text of its own ({@link WireResponse}): nothing
   * of the request it answers stays reachable from it.
   * @throws SipHeaderError when the response has no readable Via; TransportError when it cannot be routed.
   */
  prepareResponse(response: SipResponse, source?: Source): PreparedResponse {
    if (this.#closed) throw new TransportError('transport layer is closed');
    const route = routeResponse(response.topVia, source);
    if (route.kind === 'unroutable') throw new TransportError(`cannot route response: ${route.reason}`);
    return new WireResponse(response.status, keptRoute(route), serializeMessage(response));
  }

  /**
   * Sends a {@link prepareResponse} result (again).
   * @throws TypeError when `prepared` was not made by a transport layer; TransportError when it cannot be sent.
   */
  sendPreparedResponse(prepared: PreparedResponse): Promise<void> {
    try {
      if (!(prepared instanceof WireResponse)) throw new TypeError('not a response prepared by a transport layer');
      // Taken first: a response prepared and never sent would otherwise keep the serializer's slab alive.
      const bytes = prepared.takeBytes();
      if (this.#closed) throw new TransportError('transport layer is closed');
      return this.#sendOnRoute(prepared.route, bytes, undefined);
    } catch (err: unknown) {
      return Promise.reject(err);
    }
  }

  #sendOnRoute(route: ResponseRoute, bytes: Buffer, response: SipResponse | undefined): Promise<void> {
    if (route.kind === 'endpoint') {
      const entry = this.#pick(route.endpoint.protocol, route.endpoint.address, route.from);
      if (entry === undefined) {
        throw new TransportError(`no ${route.endpoint.protocol} listener to reach ${route.endpoint.address}`);
      }
      return this.#sendBytes(entry, bytes, route.endpoint, response);
    }
    return this.#sendRouted(route, bytes, response);
  }

  /** The routes other than a plain address (sent by #sendOnRoute itself, without an async frame). */
  async #sendRouted(route: Exclude<ResponseRoute, { kind: 'endpoint' }>, bytes: Buffer, response: SipResponse | undefined): Promise<void> {
    switch (route.kind) {
      case 'connection': {
        for (const e of this.#entries) {
          if (!(e.transport instanceof StreamTransport) || !e.transport.hasConnection(route.connectionId)) continue;
          if (await e.transport.sendOnConnection(route.connectionId, bytes)) {
            e.out.inc();
            return;
          }
        }
        // §18.2.2: the connection is gone; open one to received (or sent-by) at the sent-by port.
        const entry = this.#pick(route.fallback.protocol, route.fallback.address);
        if (entry === undefined) {
          throw new TransportError(`no ${route.fallback.protocol} listener to re-open a connection to ${route.fallback.address}`);
        }
        await this.#sendBytes(entry, bytes, route.fallback, response);
        return;
      }
      case 'unroutable':
        throw new TransportError(`cannot route response: ${route.reason}`);
    }
  }

  /** Closes every socket and connection. Idempotent; every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  async #doClose(): Promise<void> {
    this.#closed = true;
    this.#releaseHeld();
    // Let a start() in progress finish its bind and close what it bound.
    await this.#started?.catch(() => undefined);
    const results = await Promise.allSettled(this.#entries.map((e) => e.transport.close()));
    for (const r of results) {
      if (r.status === 'rejected') this.#log.warn({ err: r.reason as unknown }, 'error while closing a transport');
    }
    this.#log.info('transport layer closed');
  }

  #planOne(spec: ListenSpec): Planned {
    const u = parseListenUrl(spec.url);
    if (isWildcard(u.host) && spec.advertisedHost === undefined) {
      throw new TypeError(`listen URL ${spec.url} binds a wildcard address: set advertisedHost for Via sent-by`);
    }
    if (u.protocol === 'tls' && this.#options.tls === undefined) throw new TypeError(`listen URL ${spec.url} needs tls options`);
    return {
      url: spec.url,
      protocol: u.protocol,
      host: u.host,
      port: u.port,
      advertisedHost: spec.advertisedHost,
      advertisedPort: spec.advertisedPort,
    };
  }

  #makeTransport(protocol: TransportProtocol): SocketTransport {
    const common = {
      clock: this.#clock,
      logger: this.#options.logger ?? silentLogger(),
      metrics: this.#metrics,
      limits: this.#limits,
    };
    switch (protocol) {
      case 'udp':
        return new UdpTransport({ ...common, ...this.#options.udp });
      case 'tcp':
        return new TcpTransport({ ...common, ...this.#options.stream } satisfies StreamTransportOptions);
      case 'tls': {
        const tls = this.#options.tls;
        if (tls === undefined) throw new TypeError('tls options missing');
        return new TlsTransport({ ...common, ...this.#options.stream, tls });
      }
    }
  }

  /** The listener to send from: same protocol and address family; for UDP responses the socket named by `from`. */
  #pick(protocol: TransportProtocol, address: string, from?: HostPort): Entry | undefined {
    const family = ipFamily(address) === 6 ? 6 : 4;
    let best: Entry | undefined;
    let fromHost: string | undefined;
    for (const e of this.#entries) {
      if (e.point.protocol !== protocol || e.family !== family || e.transport.closed) continue;
      if (from !== undefined && e.point.port === from.port) {
        // `from` is usually the very address the socket reported (Source.local): equal strings need no canonical form.
        if (e.point.address === from.address) return e;
        fromHost ??= canonicalHost(from.address);
        if (e.canonicalAddress === fromHost) return e;
      }
      best ??= e;
    }
    return best;
  }

  #stamp(request: SipRequest, entry: Entry): Buffer {
    const top = request.headers.shift('Via');
    if (top === undefined) throw new TypeError('a request must carry a Via before it is sent');
    request.headers.prepend('Via', [stampVia(top, entry.point.protocol, entry.point.sentBy, this.#options.addRport ?? true)]);
    return serializeMessage(request);
  }

  /** Sends on `entry`; one promise for a UDP datagram (no async chain), a rejection with TransportError on failure. */
  #sendBytes(entry: Entry, bytes: Buffer, target: HostPort, message?: SipMessage): Promise<void> {
    const transport = entry.transport;
    if (transport instanceof UdpTransport) {
      return new Promise<void>((resolve, reject) => {
        transport.sendDatagram(bytes, stripBrackets(target.address), target.port, (err) => {
          if (err === undefined) {
            this.#sent(entry, target, message);
            resolve();
          } else {
            reject(this.#sendFailed(entry, target, err));
          }
        });
      });
    }
    return transport.send(bytes, { address: stripBrackets(target.address), port: target.port }).then(
      () => this.#sent(entry, target, message),
      (err: unknown) => {
        throw this.#sendFailed(entry, target, err);
      },
    );
  }

  #sent(entry: Entry, target: HostPort, message: SipMessage | undefined): void {
    entry.out.inc();
    if (message !== undefined && this.#log.isLevelEnabled('debug')) {
      this.#log.debug({ protocol: entry.point.protocol, target: `${target.address}:${target.port}`, ...summary(message) }, 'sent');
    }
  }

  #sendFailed(entry: Entry, target: HostPort, err: unknown): TransportError {
    this.#log.info({ err, protocol: entry.point.protocol, target: `${target.address}:${target.port}` }, 'send failed');
    return err instanceof TransportError ? err : new TransportError(`send failed: ${String(err)}`, { cause: err });
  }

  #outCounter(protocol: TransportProtocol): Counter {
    return this.#metrics.counter(TransportMetric.messagesOut, TransportMetricHelp.messagesOut, { transport: protocol });
  }

  #inCounter(protocol: TransportProtocol, kind: 'request' | 'response'): Counter {
    const byKind = this.#in[protocol];
    let c = byKind[kind];
    if (c === undefined) {
      c = this.#metrics.counter(TransportMetric.messagesIn, TransportMetricHelp.messagesIn, { transport: protocol, kind });
      byKind[kind] = c;
    }
    return c;
  }

  #drop(protocol: TransportProtocol, reason: DropReason, detail: Record<string, unknown>): void {
    this.#metrics.inc(TransportMetric.dropped, TransportMetricHelp.dropped, { transport: protocol, reason });
    this.#log.debug({ protocol, reason, ...detail }, 'inbound message dropped');
  }

  /** The receive path: parse, check, fix up, hand up. Never throws (a listener's exception is isolated by safeEmit). */
  #onRaw(raw: RawInbound): void {
    if (this.#closed) return;
    const protocol = raw.source.protocol;
    const result = parseMessage(raw.bytes, this.#limits);
    if (!result.ok) {
      const remote = `${raw.source.remote.address}:${raw.source.remote.port}`;
      const kind = result.isRequest ? 'request' : 'response';
      this.#metrics.inc(TransportMetric.parseErrors, TransportMetricHelp.parseErrors, { transport: protocol, kind });
      this.#log.info({ protocol, remote, kind, err: result.error.message }, 'malformed message');
      if (!result.isRequest) {
        this.#drop(protocol, 'malformed-response', { remote });
        return;
      }
      this.#answerMalformed(result.fields, result.error, raw.source);
      return;
    }
    const message = result.message;
    let via: Via;
    try {
      via = message.topVia;
    } catch (err: unknown) {
      // parseMessage checks Via; this only guards the contract.
      this.#drop(protocol, isRequest(message) ? 'no-via' : 'malformed-response', { remote: remoteOf(raw), err });
      return;
    }
    if (isRequest(message)) {
      const fixed = applyReceivedRport(via, raw.source.remote);
      if (fixed !== via) {
        message.headers.shift('Via');
        message.headers.prepend('Via', [fixed]);
      }
    } else if (!sentByMatches(via, this.#sentBys)) {
      // §18.1.2: "the response MUST be silently discarded" (silently to the peer; counted here).
      this.#drop(protocol, 'via-mismatch', { remote: remoteOf(raw), sentBy: `${via.host}:${via.port ?? ''}` });
      return;
    }
    this.#inCounter(protocol, message.kind).inc();
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ protocol, remote: remoteOf(raw), ...summary(message) }, 'received');
    if (this.listenerCount('message') === 0) {
      this.#drop(protocol, 'no-handler', { remote: remoteOf(raw) });
      return;
    }
    this.safeEmit('message', { message, source: raw.source });
  }

  /** 400 (or 413/414/505) for a request that failed to parse, when its Via can be read; else drop and count. */
  #answerMalformed(fields: readonly HeaderField[], error: SipParseError, source: Source): void {
    const protocol = source.protocol;
    // RFC 3261 §17.2.3 / §8.2: an ACK is never answered.
    const cseq = fields.find((f) => f.name.toLowerCase() === 'cseq')?.value;
    if (cseq !== undefined && /\bACK\s*$/i.test(cseq)) {
      this.#drop(protocol, 'malformed-response', { reason: 'malformed ACK' });
      return;
    }
    const response = badRequestFor(fields, error);
    if (response === undefined) {
      this.#drop(protocol, 'no-via', { remote: `${source.remote.address}:${source.remote.port}` });
      return;
    }
    try {
      const via = response.topVia;
      const fixed = applyReceivedRport(via, source.remote);
      if (fixed !== via) {
        response.headers.shift('Via');
        response.headers.prepend('Via', [fixed]);
      }
    } catch (err: unknown) {
      this.#drop(protocol, 'no-via', { err });
      return;
    }
    this.sendResponse(response, source).catch((err: unknown) => {
      this.#metrics.inc(TransportMetric.dropped, TransportMetricHelp.dropped, { transport: protocol, reason: 'unroutable-400' });
      this.#log.info({ err, protocol }, 'could not send the 400 for a malformed request');
    });
  }
}

function remoteOf(raw: RawInbound): string {
  return `${raw.source.remote.address}:${raw.source.remote.port}`;
}

function summary(m: SipMessage): Record<string, unknown> {
  const callId = m.headers.getRaw('Call-ID');
  return m.kind === 'request' ? { method: m.method, callId } : { status: m.status, callId };
}

/**
 * A prepared response. It is sent once at once, and again only when the request is retransmitted or Timer G fires:
 * the serializer's bytes serve the first send, and what lingers (32 s in a server transaction) is the same bytes as
 * one latin1 string — a byte per character, so lossless — instead of a Buffer, its ArrayBuffer and a backing store.
 */
class WireResponse implements PreparedResponse {
  #first: Buffer | undefined;
  readonly #text: string;

  constructor(
    readonly status: number,
    readonly route: Exclude<ResponseRoute, { kind: 'unroutable' }>,
    bytes: Buffer,
  ) {
    this.#first = bytes;
    this.#text = bytes.toString('latin1');
  }

  /** The bytes to send: the serializer's on the first send, made again from the kept text after that. */
  takeBytes(): Buffer {
    const first = this.#first;
    if (first === undefined) return Buffer.from(this.#text, 'latin1');
    this.#first = undefined;
    return first;
  }
}

/** A route whose addresses are copies: a Via's host or maddr is a view of the request's text (see util/detached). */
function keptRoute(route: Exclude<ResponseRoute, { kind: 'unroutable' }>): Exclude<ResponseRoute, { kind: 'unroutable' }> {
  if (route.kind === 'connection') {
    return { kind: 'connection', connectionId: detached(route.connectionId), fallback: keptEndpoint(route.fallback) };
  }
  const endpoint = keptEndpoint(route.endpoint);
  return route.from === undefined ? { kind: 'endpoint', endpoint } : { kind: 'endpoint', endpoint, from: route.from };
}

function keptEndpoint(e: Endpoint): Endpoint {
  return { protocol: e.protocol, address: detached(e.address), port: e.port };
}
