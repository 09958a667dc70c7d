/**
 * UDP transport (RFC 3261 §18, unreliable): one dgram socket, udp4 or udp6 by the bound address.
 *
 * - A datagram larger than `maxDatagramSize` is dropped and counted before any parsing (RFC 3261 §18.1.1 caps UDP
 *   messages at 65,535 bytes; Tandem's limit is the parser's `maxMessageSize`).
 * - A datagram of white space only (CRLF keep-alives, RFC 5626 §3.5.1 style, sent by some peers over UDP) is ignored.
 * - Socket errors are surfaced as {@link TransportError}: on the 'error' event for the socket itself, as a rejected
 *   send() for a send (ICMP errors Linux reports on the next send, EMSGSIZE, EHOSTUNREACH …).
 *
 * Batching. Every system call costs this process more than its own time: on a host whose kernel isolates its page
 * tables (PTI, no PCID), each one leaves the TLB and caches cold for the JavaScript that runs after it. Measured with
 * `npm run bench:core` (no sockets) and one `fstat` added before each datagram in and out: 12 such calls per call
 * cost 2.4 µs each on their own but added 110–118 µs of main-thread time per call, about 9 µs each. So the datagrams
 * node:dgram reads in one poll (libuv reads up to 32 per socket) are handled together, right after the poll, and the
 * datagrams sent while they are handled go out together when the batch is done: the reads, the JavaScript and the
 * sends each run back to back. Nothing waits for more traffic: a batch is what already arrived, so a lone datagram
 * is handled in the same turn of the event loop as before, and batches only grow when the process is busy.
 *
 *   state      event                                 next       action
 *   Idle       datagram read                         Pending    queue it; schedule the batch (setImmediate)
 *   Pending    datagram read                         Pending    queue it
 *   Pending    the batch runs                        Handling   emit 'message' for each queued datagram, in order
 *   Handling   send (from a 'message' listener)      Handling   queue it in the outbox
 *   Handling   every queued datagram emitted         Idle       send the outbox, in order
 *   Idle       send (timer, promise continuation)    Idle       send it at once
 *   any        close()                               Idle       queued datagrams dropped; queued sends fail
 *
 * Backlog. libuv reads at most 32 datagrams from a socket per poll, so a batch of 32 means more are probably waiting
 * in the kernel: the transport is then backlogged until a batch comes out smaller, or a turn of the event loop
 * reads nothing. {@link UdpTransport.inputPending} tells the transport layer, which holds retransmissions back
 * until the input waiting is handled ({@link TransactionTransport.afterPendingInput}): a response queued behind
 * the backlog is not a lost response, and re-sending the request then only adds load, or makes a strict peer
 * abort the call (SIPp 3.6 does, on an INVITE retransmitted after its 200).
 *
 * Input delay. How long a datagram waits in the socket before it is handled is what tells an overloaded process
 * from a busy one, and a backlog alone does not: at 30,000 datagrams a second every read comes out full as soon as
 * a turn of the event loop takes a millisecond, with a queue a millisecond deep. node:dgram gives no receive
 * timestamp, so while the transport is backlogged it measures: every PROBE_INTERVAL_MS it sends its own socket a
 * probe (16 bytes: a zero byte, a random token of this transport, a sequence number; never SIP), which queues behind
 * the datagrams already there, and the time from sending a probe to handling it is the wait of what was ahead of it
 * (the socket's queue is FIFO). The last probe handled gives the wait of the datagrams handled now; a probe still
 * out gives a lower bound (what is ahead of it has waited at least as long). {@link UdpTransport.inputDelayMs}
 * gives the larger; the B2BUA refuses new calls while it is above `limits.maxInputDelay`.
 *
 *   probe state   event                                  next   action
 *   Off           a full batch (backlogged)              On     send a probe; tick every PROBE_INTERVAL_MS
 *   On            tick, backlogged                       On     send a probe; with PROBE_MAX_OUT out, the oldest
 *                                                               counts as lost (a full socket drops) and its age as
 *                                                               the delay
 *   On            a probe handled                        On     delay = its wait; older probes still out were lost
 *   On            tick, keeping up, no probe out         Off    delay = 0
 *   any           close()                                Off    tick cancelled
 *
 *   inputDelayMs: Off → 0; On → max(delay, age of the oldest probe out).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18
 */
import { randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { Counter } from '../observability/metrics.js';
import { Metrics } from '../observability/metrics.js';
import { DEFAULT_LIMITS } from '../sip/parser/limits.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { SystemClock } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { isWildcard, stripBrackets } from './address.js';
import type { HostPort, SocketTransport, SocketTransportEvents } from './socket-transport.js';
import { TransportMetric, TransportMetricHelp } from './socket-transport.js';
import { TransportError } from './transport-error.js';
import type { UdpTransportOptions } from './transport-options.js';
import { DEFAULT_UDP_RECEIVE_BUFFER } from './transport-options.js';

/** Peer addresses {@link UdpTransport} keeps one string for (a carrier interconnect has a few dozen trunks). */
const MAX_INTERNED_ADDRESSES = 4096;

/** Datagrams libuv reads from one socket in one poll at most (uv__udp_recvmsg): a batch this big left more waiting. */
const READS_PER_POLL = 32;

/** A queue-delay probe: a zero byte, an 11-byte token of the transport, a 4-byte sequence number (see Input delay). */
const PROBE_LENGTH = 16;
const PROBE_TOKEN_END = 12;
/** Between two probes while the transport stays backlogged: at most 50 a second. */
const PROBE_INTERVAL_MS = 20;
/** Probes out at once at most (2 s of them): beyond, the oldest was dropped by a full socket. */
const PROBE_MAX_OUT = 100;
/** The gauge of the last probe's wait. */
const INPUT_DELAY_METRIC = 'tandem_udp_input_delay_seconds';
const INPUT_DELAY_HELP = 'How long received datagrams waited in a UDP socket, measured by a probe while input is backlogged (0 when it is not)';

/** Largest UDP payload IPv4 can carry (65,535 − 8 UDP − 20 IP). */
const MAX_UDP_PAYLOAD = 65_507;

const isBlank = (b: Buffer): boolean => {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x0d && c !== 0x0a && c !== 0x20 && c !== 0x09) return false;
  }
  return true;
};

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The socket's address lookup. node:dgram runs it for every send to an address (an unconnected socket has no
 * cached peer): the default, dns.lookup, answers an IP literal only on the next tick, one hop and one closure per
 * datagram. Tandem sends to IP literals (responses to received/rport, requests to resolved endpoints), so those are
 * answered at once; anything else still goes to dns.lookup.
 */
function literalLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/** Completion of one datagram send: undefined on success. */
export type SendCallback = (err: TransportError | undefined) => void;

/**
 * A UDP socket carrying SIP datagrams.
 *
 * Events: 'message' (one datagram with its {@link Source}), 'error' ({@link TransportError}).
 */
export class UdpTransport extends TypedEmitter<SocketTransportEvents> implements SocketTransport {
  readonly protocol = 'udp' as const;
  readonly #maxDatagramSize: number;
  readonly #receiveBufferSize: number;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #bytesIn: Counter;
  readonly #bytesOut: Counter;
  readonly #sendErrors: Counter;
  readonly #clock: Clock;
  #socket: Socket | undefined;
  #local: HostPort | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Peer addresses seen, each kept as one string ({@link #intern}). */
  readonly #addresses = new Map<string, string>();
  /** Datagrams read and not yet handled (parallel arrays: no object per datagram). See the header: Batching. */
  readonly #inBytes: Buffer[] = [];
  readonly #inAddresses: string[] = [];
  readonly #inPorts: number[] = [];
  /** A batch is scheduled (Pending). */
  #pending = false;
  /** A batch is being handled: sends go to the outbox (Handling). */
  #handling = false;
  readonly #outBytes: Buffer[] = [];
  readonly #outAddresses: string[] = [];
  readonly #outPorts: number[] = [];
  readonly #outDone: SendCallback[] = [];
  readonly #runBatch = (): void => this.#handleBatch();
  /** The last batch was full: more datagrams are probably waiting in the kernel (see the header: Backlog). */
  #backlogged = false;
  #idleCheckScheduled = false;
  readonly #runIdleCheck = (): void => this.#idleCheck();
  /** The probe (see the header: Input delay): its bytes (token fixed, sequence number per probe) and state. */
  readonly #probe = Buffer.alloc(PROBE_LENGTH);
  #probeOn = false;
  /** Sequence numbers of the probes out are oldest … next − 1; when each was sent, by sequence number mod max. */
  #probeOldest = 0;
  #probeNext = 0;
  readonly #probeSentAt = new Float64Array(PROBE_MAX_OUT);
  /** The wait of the last probe handled (or lost), ms. */
  #probeDelay = 0;
  #probeTimer: TimerHandle | undefined;
  readonly #onProbeTick = (): void => this.#probeTick();
  /** @internal Told after every batch and when a backlog turns out to be over (the transport layer). */
  onInputHandled: (() => void) | undefined;

  constructor(options: UdpTransportOptions = {}) {
    super();
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.#maxDatagramSize = Math.min(options.maxDatagramSize ?? limits.maxMessageSize, MAX_UDP_PAYLOAD);
    this.#receiveBufferSize = options.receiveBufferSize ?? DEFAULT_UDP_RECEIVE_BUFFER;
    this.#log = (options.logger ?? silentLogger()).child({ module: 'transport', transport: 'udp' });
    this.#clock = options.clock ?? new SystemClock();
    randomFillSync(this.#probe, 1, PROBE_TOKEN_END - 1);
    this.#metrics = options.metrics ?? new Metrics();
    const labels = { transport: 'udp' };
    this.#bytesIn = this.#metrics.counter(TransportMetric.bytesIn, TransportMetricHelp.bytesIn, labels);
    this.#bytesOut = this.#metrics.counter(TransportMetric.bytesOut, TransportMetricHelp.bytesOut, labels);
    this.#sendErrors = this.#metrics.counter(TransportMetric.sendErrors, TransportMetricHelp.sendErrors, labels);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get localAddress(): HostPort | undefined {
    return this.#local;
  }

  /** Datagrams were read and not handled yet, or probably wait in the kernel behind a full batch. */
  get inputPending(): boolean {
    return this.#pending || this.#backlogged;
  }

  /**
   * How long input waits in the socket before it is handled, ms (see the header: Input delay): 0 while the transport
   * keeps up; while it is backlogged, the wait of the last probe, or of the probe still out if that is longer.
   */
  inputDelayMs(): number {
    if (!this.#probeOn) return 0;
    if (this.#probeOldest === this.#probeNext) return this.#probeDelay;
    return Math.max(this.#probeDelay, this.#clock.now() - this.#probeSentAt[this.#probeOldest % PROBE_MAX_OUT]!);
  }

  /**
   * Binds to `host` (an IPv4 or IPv6 literal, brackets allowed) and `port` (0 = ephemeral).
   * @returns the bound address and port.
   * @throws TypeError when `host` is not an IP literal or when already listening; TransportError when bind fails.
   */
  async listen(host: string, port: number): Promise<HostPort> {
    if (this.#closed) throw new TransportError('UDP transport is closed');
    if (this.#socket !== undefined) throw new TypeError('UDP transport is already listening');
    const address = stripBrackets(host);
    const family = isIP(address);
    if (family === 0) throw new TypeError(`UDP listen address must be an IP literal: ${host}`);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', ipv6Only: family === 6, lookup: literalLookup });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new TransportError(`cannot bind udp ${address}:${port}: ${err.message}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    }).catch((err: unknown) => {
      this.#socket = undefined;
      socket.close();
      throw err;
    });
    try {
      if (socket.getRecvBufferSize() < this.#receiveBufferSize) socket.setRecvBufferSize(this.#receiveBufferSize);
    } catch (err: unknown) {
      // A smaller buffer only means drops under bursts: not a reason to refuse to listen.
      this.#log.warn({ err, size: this.#receiveBufferSize }, 'cannot enlarge the UDP receive buffer');
    }
    const bound = socket.address();
    this.#local = { address: bound.address, port: bound.port };
    socket.on('message', (msg, rinfo) => this.#queueDatagram(msg, rinfo.address, rinfo.port));
    socket.on('error', (err) => {
      this.#log.warn({ err }, 'udp socket error');
      this.safeEmit('error', new TransportError(`udp socket error: ${err.message}`, { cause: err }));
    });
    this.#log.info({ address: this.#local.address, port: this.#local.port }, 'udp listening');
    return this.#local;
  }

  /**
   * Sends one datagram.
   * @throws TransportError when closed, not listening, the datagram is too large for UDP, or the socket reports an
   *   error (ICMP unreachable surfaced by the kernel, no route …).
   */
  send(bytes: Buffer, target: HostPort): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.sendDatagram(bytes, stripBrackets(target.address), target.port, (err) => {
        if (err === undefined) resolve();
        else reject(err);
      });
    });
  }

  /**
   * {@link send} without a promise (the transport layer's hot path): `done` runs once, after the socket took the
   * datagram (success) or failed; never synchronously.
   */
  sendDatagram(bytes: Buffer, address: string, port: number, done: SendCallback): void {
    if (this.#handling) {
      this.#outBytes.push(bytes);
      this.#outAddresses.push(address);
      this.#outPorts.push(port);
      this.#outDone.push(done);
      return;
    }
    this.#sendNow(bytes, address, port, done);
  }

  #sendNow(bytes: Buffer, address: string, port: number, done: SendCallback): void {
    const socket = this.#socket;
    let early: TransportError | undefined;
    if (this.#closed || socket === undefined) early = new TransportError('UDP transport is closed or not listening');
    else if (bytes.length > MAX_UDP_PAYLOAD) {
      early = new TransportError(`datagram of ${bytes.length} bytes exceeds the UDP maximum of ${MAX_UDP_PAYLOAD}`);
    }
    if (early !== undefined || socket === undefined) {
      process.nextTick(done, early);
      return;
    }
    socket.send(bytes, port, address, (err) => {
      if (err === null || err === undefined) {
        this.#bytesOut.inc(bytes.length);
        done(undefined);
        return;
      }
      this.#sendErrors.inc();
      done(new TransportError(`udp send to ${address}:${port} failed: ${err.message}`, { cause: err }));
    });
  }

  /** Closes the socket. Idempotent; every call returns the same promise. */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  async #doClose(): Promise<void> {
    this.#closed = true;
    this.#backlogged = false;
    this.#probeTimer?.cancel();
    this.#probeTimer = undefined;
    this.#probeOn = false;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined) return;
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        // Already closed by a failed bind: nothing left to release.
        resolve();
      }
    });
    this.#log.info('udp closed');
  }

  #queueDatagram(bytes: Buffer, address: string, port: number): void {
    if (this.#closed) return;
    this.#inBytes.push(bytes);
    this.#inAddresses.push(address);
    this.#inPorts.push(port);
    if (!this.#pending) {
      this.#pending = true;
      setImmediate(this.#runBatch);
    }
  }

  /**
   * Pending → Handling → Idle: the datagrams read in one poll, then the sends they caused. The queues are emptied in
   * place and reused (no datagram can be read and no batch can start while one is handled: both come from the event
   * loop, not from a listener).
   */
  #handleBatch(): void {
    this.#pending = false;
    const bytes = this.#inBytes;
    const addresses = this.#inAddresses;
    const ports = this.#inPorts;
    this.#handling = true;
    try {
      for (let i = 0; i < bytes.length; i++) this.#onDatagram(bytes[i]!, addresses[i]!, ports[i]!);
    } finally {
      const full = bytes.length >= READS_PER_POLL;
      bytes.length = 0;
      addresses.length = 0;
      ports.length = 0;
      this.#handling = false;
      this.#flush();
      this.#backlogged = full && !this.#closed;
      if (this.#backlogged && !this.#probeOn) this.#startProbing();
      // A full batch: the next turn's poll reads the rest; if it reads nothing, the backlog was exactly this batch.
      if (this.#backlogged && !this.#idleCheckScheduled) {
        this.#idleCheckScheduled = true;
        setImmediate(this.#runIdleCheck);
      }
      this.onInputHandled?.();
    }
  }

  /**
   * One turn after a full batch, queued before any batch that turn's poll starts: nothing read means no backlog.
   * Otherwise that batch decides.
   */
  #idleCheck(): void {
    this.#idleCheckScheduled = false;
    if (this.#pending || !this.#backlogged) return;
    this.#backlogged = false;
    this.onInputHandled?.();
  }

  // ── the queue-delay probe (see the header: Input delay) ────────────────────────────────────────────────────────

  /** Off → On. */
  #startProbing(): void {
    this.#probeOn = true;
    this.#probeDelay = 0;
    this.#probeOldest = this.#probeNext;
    this.#sendProbe();
    this.#probeTimer = this.#clock.setTimer(PROBE_INTERVAL_MS, this.#onProbeTick);
  }

  #probeTick(): void {
    this.#probeTimer = undefined;
    if (this.#closed || !this.#probeOn) return;
    if (!this.#backlogged && this.#probeOldest === this.#probeNext) {
      this.#probeOn = false;
      this.#probeDelay = 0;
      this.#setDelayGauge();
      return;
    }
    if (this.#backlogged) this.#sendProbe();
    this.#probeTimer = this.#clock.setTimer(PROBE_INTERVAL_MS, this.#onProbeTick);
  }

  #sendProbe(): void {
    const socket = this.#socket;
    const local = this.#local;
    if (socket === undefined || local === undefined) return;
    const now = this.#clock.now();
    if (this.#probeNext - this.#probeOldest >= PROBE_MAX_OUT) {
      this.#probeDelay = now - this.#probeSentAt[this.#probeOldest % PROBE_MAX_OUT]!;
      this.#probeOldest++;
      this.#setDelayGauge();
    }
    const seq = this.#probeNext++;
    this.#probeSentAt[seq % PROBE_MAX_OUT] = now;
    // A copy per probe: node:dgram reads the bytes when it sends, after this one may have been rewritten.
    const bytes = Buffer.from(this.#probe);
    bytes.writeUInt32BE(seq >>> 0, PROBE_TOKEN_END);
    // A wildcard bound address (0.0.0.0, ::) is reached on loopback.
    const to = isWildcard(local.address) ? (isIP(local.address) === 6 ? '::1' : '127.0.0.1') : local.address;
    try {
      socket.send(bytes, local.port, to, (err) => {
        if (err !== null && err !== undefined) this.#log.debug({ err }, 'input-delay probe not sent');
      });
    } catch (err: unknown) {
      // A socket closing under us (node:dgram throws when it is no longer running): the probe counts as lost.
      this.#log.debug({ err }, 'input-delay probe not sent');
    }
  }

  /** A datagram from this socket carrying this transport's token (its first byte, 0, checked by the caller). */
  #isOwnProbe(bytes: Buffer, port: number): boolean {
    if (bytes.length !== PROBE_LENGTH || port !== this.#local?.port) return false;
    return bytes.compare(this.#probe, 1, PROBE_TOKEN_END, 1, PROBE_TOKEN_END) === 0;
  }

  /** A probe handled: its wait is the delay; the probes older than it that are still out were lost. */
  #probeHandled(bytes: Buffer): void {
    if (!this.#probeOn) return;
    // Sequence numbers compared modulo 2^32, as sent.
    const seq = bytes.readUInt32BE(PROBE_TOKEN_END);
    const ahead = (seq - (this.#probeOldest >>> 0)) >>> 0;
    if (ahead >= this.#probeNext - this.#probeOldest) return; // one counted as lost already
    const n = this.#probeOldest + ahead;
    this.#probeDelay = this.#clock.now() - this.#probeSentAt[n % PROBE_MAX_OUT]!;
    this.#probeOldest = n + 1;
    this.#setDelayGauge();
  }

  #setDelayGauge(): void {
    this.#metrics.set(INPUT_DELAY_METRIC, INPUT_DELAY_HELP, this.#probeDelay / 1000, { transport: 'udp' });
  }

  /** Sends the outbox in order (Handling → Idle). */
  #flush(): void {
    const bytes = this.#outBytes;
    const addresses = this.#outAddresses;
    const ports = this.#outPorts;
    const done = this.#outDone;
    const n = bytes.length;
    for (let i = 0; i < n; i++) this.#sendNow(bytes[i]!, addresses[i]!, ports[i]!, done[i]!);
    bytes.length = 0;
    addresses.length = 0;
    ports.length = 0;
    done.length = 0;
  }

  #onDatagram(bytes: Buffer, address: string, port: number): void {
    if (this.#closed || this.#local === undefined) return;
    if (bytes[0] === 0 && this.#isOwnProbe(bytes, port)) {
      this.#probeHandled(bytes);
      return;
    }
    if (bytes.length > this.#maxDatagramSize) {
      this.#metrics.inc(TransportMetric.dropped, TransportMetricHelp.dropped, { transport: 'udp', reason: 'oversize' });
      this.#log.debug({ address, port, size: bytes.length }, 'oversized datagram dropped');
      return;
    }
    if (isBlank(bytes)) return;
    this.#bytesIn.inc(bytes.length);
    this.safeEmit('message', {
      bytes,
      source: { protocol: 'udp', remote: { address: this.#intern(address), port }, local: this.#local },
    });
  }

  /**
   * One string per peer address: node:dgram makes a new one for every datagram, and each lingering transaction,
   * prepared response and dialog keeps the address of its message (a few per call, for 32 s after it). Peers are
   * few (trunks); the table is bounded, and an address beyond it is used as it came.
   */
  #intern(address: string): string {
    const known = this.#addresses.get(address);
    if (known !== undefined) return known;
    if (this.#addresses.size < MAX_INTERNED_ADDRESSES) this.#addresses.set(address, address);
    return address;
  }
}
