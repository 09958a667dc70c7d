/**
 * A small scripted SIP user agent over a real UDP socket (STYLE.md P15: loopback integration for calls). A test
 * plays caller or callee with it: it sends requests built with the typed builders, answers what it receives, and
 * awaits messages with bounded timeouts (every wait rejects after `ms`, naming what it waited for).
 *
 * It does the little a UA transaction layer must do so that a script stays readable (RFC 3261 §17):
 * - a retransmitted request it already answered gets the same response again (§17.2.1, §17.2.2), and one it has not
 *   answered yet is absorbed; either way it is not queued a second time;
 * - a retransmitted response is recorded but not queued again;
 * - a non-2xx final response to an INVITE it sent is ACKed with the INVITE's branch (§17.1.1.3), again for each
 *   retransmission of it.
 * Everything received stays in `received` (with its time) for counting retransmissions.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { HeaderField } from '../../src/sip/header-list.js';
import type { NameAddr } from '../../src/sip/headers/header-types.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import { parseMessage } from '../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../src/sip/serialize.js';
import type { Uri } from '../../src/sip/uri/uri-types.js';
import { buildRequest, buildResponse, sameBranchAs } from './builders.js';

export interface Address {
  readonly address: string;
  readonly port: number;
}

export interface Received {
  readonly message: SipMessage;
  readonly from: Address;
  /** Date.now() at arrival. */
  readonly at: number;
  /** True when it repeats a message received before (same transaction, same status). */
  readonly isRetransmission: boolean;
  /** The datagram as it arrived (for oracles that decode the wire bytes, e.g. tshark). */
  readonly raw: Buffer;
}

type Predicate<T> = (m: T) => boolean;

interface Waiter {
  readonly match: Predicate<SipMessage>;
  readonly resolve: (m: SipMessage) => void;
}

export interface CallSpec {
  /** Request-URI user part (the called number). */
  readonly called: string;
  /** From user part (the calling number). */
  readonly calling?: string;
  readonly body?: Buffer;
  readonly maxForwards?: number;
  /** Extra header lines. */
  readonly headers?: readonly HeaderField[];
}

/** SDP offers and answers for tests (opaque to Tandem, which relays bodies). */
export const sdp = (who: string, port = 40_000): Buffer =>
  Buffer.from(`v=0\r\no=${who} 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);

const txKey = (m: SipMessage): string => {
  const branch = m.branch ?? '';
  return m.kind === 'request' ? `${branch}|${m.method}` : `${branch}|${m.cseq.method}|${m.status}|${m.to.tag ?? ''}`;
};

export class SipPeer {
  readonly address: string;
  readonly port: number;
  readonly received: Received[] = [];
  readonly #socket: Socket;
  readonly #queue: SipMessage[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #seen = new Set<string>();
  /** Last response sent per request transaction (branch|method), with where it went. */
  readonly #answers = new Map<string, { response: SipResponse; to: Address }>();
  /** INVITEs this peer sent, by branch (to ACK their non-2xx final responses). */
  readonly #invites = new Map<string, { invite: SipRequest; to: Address }>();
  readonly #sources = new WeakMap<SipMessage, Address>();
  #closed = false;

  private constructor(socket: Socket, address: string, port: number) {
    this.#socket = socket;
    this.address = address;
    this.port = port;
    socket.on('message', (buf, rinfo) => this.#onDatagram(buf, rinfo));
  }

  /** Binds a UDP socket on `address` (default 127.0.0.1), ephemeral port. */
  static async open(address = '127.0.0.1'): Promise<SipPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new SipPeer(socket, address, socket.address().port);
  }

  /** Our Contact URI. */
  get contact(): string {
    return `sip:peer@${this.address}:${String(this.port)}`;
  }

  #onDatagram(buf: Buffer, rinfo: RemoteInfo): void {
    const r = parseMessage(buf);
    if (!r.ok) return;
    const m = r.message;
    const from = { address: rinfo.address, port: rinfo.port };
    this.#sources.set(m, from);
    const key = txKey(m);
    const isRetransmission = this.#seen.has(key);
    this.#seen.add(key);
    this.received.push({ message: m, from, at: Date.now(), isRetransmission, raw: buf });
    if (m.kind === 'request' && isRetransmission) {
      const a = this.#answers.get(key);
      if (a !== undefined) this.#sendTo(a.response, a.to);
      return;
    }
    if (m.kind === 'response' && m.cseq.method === 'INVITE' && m.status >= 300) {
      const sent = this.#invites.get(m.branch ?? '');
      if (sent !== undefined) this.#sendTo(sameBranchAs(sent.invite, 'ACK', m.to.tag), sent.to);
    }
    if (isRetransmission) return;
    const i = this.#waiters.findIndex((w) => w.match(m));
    if (i >= 0) {
      const [w] = this.#waiters.splice(i, 1);
      w!.resolve(m);
      return;
    }
    this.#queue.push(m);
  }

  #sendTo(m: SipMessage, to: Address): void {
    if (this.#closed) return;
    this.#socket.send(serializeMessage(m), to.port, to.address);
  }

  /** Sends a request to `to`; INVITEs are remembered so that their non-2xx finals get ACKed. */
  send(request: SipRequest, to: Address): void {
    if (request.method === 'INVITE') this.#invites.set(request.branch ?? '', { invite: request, to });
    this.#sendTo(request, to);
  }

  /** Sends a response to `request` back where the request came from; retransmissions of it get the same. */
  respond(request: SipRequest, response: SipResponse): void {
    const to = this.#sources.get(request);
    if (to === undefined) throw new Error('respond(): the request was not received by this peer');
    this.#answers.set(txKey(request), { response, to });
    this.#sendTo(response, to);
  }

  /** Builds and sends a response (`buildResponse` with this peer's Contact on 1xx-2xx to INVITE). */
  reply(request: SipRequest, status: number, opts: { toTag?: string; body?: Buffer; headers?: readonly HeaderField[]; reason?: string } = {}): SipResponse {
    const headers: HeaderField[] = [...(opts.headers ?? [])];
    if (status > 100 && status < 300 && request.method === 'INVITE') headers.push({ name: 'Contact', value: `<${this.contact}>` });
    if (opts.body !== undefined) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    const res = buildResponse(request, status, {
      ...(status === 100 ? {} : { toTag: opts.toTag ?? 'callee-tag' }),
      headers,
      ...(opts.body === undefined ? {} : { body: opts.body }),
      ...(opts.reason === undefined ? {} : { reason: opts.reason }),
    });
    this.respond(request, res);
    return res;
  }

  /** An INVITE from this peer (Via and Contact ours) toward a number. */
  invite(spec: CallSpec): SipRequest {
    const req = buildRequest({
      method: 'INVITE',
      uri: `sip:${spec.called}@tandem.invalid`,
      viaHost: this.address,
      viaPort: this.port,
      from: `sip:${spec.calling ?? '15551230000'}@${this.address}`,
      to: `sip:${spec.called}@tandem.invalid`,
      ...(spec.maxForwards === undefined ? {} : { maxForwards: spec.maxForwards }),
      ...(spec.body === undefined ? {} : { body: spec.body }),
    });
    req.headers.setRaw('Contact', `<${this.contact}>`);
    if (spec.body !== undefined) req.headers.setRaw('Content-Type', 'application/sdp');
    for (const h of spec.headers ?? []) req.headers.appendRaw(h.name, h.value);
    return req;
  }

  /** The next (not yet consumed) message matching `match`, waiting at most `ms`. */
  next(match: Predicate<SipMessage>, what: string, ms = 3_000): Promise<SipMessage> {
    const i = this.#queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#queue.splice(i, 1)[0]!);
    return new Promise<SipMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        const j = this.#waiters.indexOf(waiter);
        if (j >= 0) this.#waiters.splice(j, 1);
        reject(new Error(`peer ${String(this.port)}: no ${what} within ${String(ms)} ms; got ${this.#describe()}`));
      }, ms);
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Takes the first queued message matching `match` without waiting (undefined when none is queued). */
  take(match: Predicate<SipMessage>): SipMessage | undefined {
    const i = this.#queue.findIndex(match);
    return i < 0 ? undefined : this.#queue.splice(i, 1)[0];
  }

  /** The next request of `method` (optionally also matching `match`). */
  async request(method: string, ms = 3_000, match: Predicate<SipRequest> = () => true): Promise<SipRequest> {
    return (await this.next((m) => m.kind === 'request' && m.method === method && match(m), method, ms)) as SipRequest;
  }

  /** The next response with `status` (a number, or a predicate) to a request of `method`. */
  async response(method: string, status: number | Predicate<number>, ms = 3_000): Promise<SipResponse> {
    const ok = typeof status === 'number' ? (s: number) => s === status : status;
    return (await this.next(
      (m) => m.kind === 'response' && m.cseq.method === method && ok(m.status),
      `${typeof status === 'number' ? String(status) : 'matching'} response to ${method}`,
      ms,
    )) as SipResponse;
  }

  /** The next final (≥ 200) response to `method`, skipping provisionals. */
  final(method: string, ms = 3_000): Promise<SipResponse> {
    return this.response(method, (s) => s >= 200, ms);
  }

  /** Resolves when nothing matching `match` arrives for `ms`; rejects with what arrived otherwise. */
  async quiet(match: Predicate<SipMessage>, ms: number, what: string): Promise<void> {
    const arrived = await this.next(match, what, ms).then(
      (m) => m,
      () => undefined,
    );
    if (arrived !== undefined) throw new Error(`peer ${String(this.port)}: unexpected ${what}: ${firstLine(arrived)}`);
  }

  /** Every received message (first copies and retransmissions) matching `match`. */
  count(match: Predicate<SipMessage>): number {
    return this.received.filter((r) => match(r.message)).length;
  }

  /** Drops what is queued (messages a script does not care about). */
  drain(): void {
    this.#queue.length = 0;
  }

  #describe(): string {
    return this.#queue.length === 0 ? 'nothing queued' : this.#queue.map(firstLine).join(' | ');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}

function firstLine(m: SipMessage): string {
  return m.kind === 'request' ? `${m.method} (CSeq ${String(m.cseq.seq)})` : `${String(m.status)} ${m.reason} (${m.cseq.method})`;
}

/**
 * One dialog as the peer sees it (RFC 3261 §12): builds in-dialog requests (§12.2.1.1) and the ACK for a 2xx
 * (§13.2.2.4). No route sets (Tandem does not Record-Route).
 */
export class PeerDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly #local: NameAddr;
  readonly #remote: NameAddr;
  readonly #target: Uri;
  readonly #peer: SipPeer;
  #seq: number;

  private constructor(peer: SipPeer, init: { callId: string; local: NameAddr; remote: NameAddr; target: Uri; seq: number }) {
    this.#peer = peer;
    this.callId = init.callId;
    this.#local = init.local;
    this.#remote = init.remote;
    this.localTag = init.local.tag ?? '';
    this.remoteTag = init.remote.tag ?? '';
    this.#target = init.target;
    this.#seq = init.seq;
  }

  /** The caller's side, from its INVITE and the 2xx (or tagged 1xx) that answered it. */
  static asCaller(peer: SipPeer, invite: SipRequest, response: SipResponse): PeerDialog {
    return new PeerDialog(peer, { callId: invite.callId, local: invite.from, remote: response.to, target: contactOf(response), seq: invite.cseq.seq });
  }

  /** The callee's side, from the INVITE it received and the tag it answered with. */
  static asCallee(peer: SipPeer, invite: SipRequest, localTag = 'callee-tag'): PeerDialog {
    return new PeerDialog(peer, {
      callId: invite.callId,
      local: { ...invite.to, tag: localTag },
      remote: invite.from,
      target: contactOf(invite),
      seq: 1_000,
    });
  }

  /** A request inside the dialog with the next CSeq (or `cseq`). */
  request(method: string, opts: { body?: Buffer; headers?: readonly HeaderField[]; cseq?: number } = {}): SipRequest {
    const seq = opts.cseq ?? ++this.#seq;
    const req = buildRequest({
      method,
      uri: 'sip:placeholder.invalid',
      viaHost: this.#peer.address,
      viaPort: this.#peer.port,
      callId: this.callId,
      cseq: seq,
      ...(opts.body === undefined ? {} : { body: opts.body }),
    });
    req.uri = this.#target;
    req.headers.set('From', this.#local);
    req.headers.set('To', this.#remote);
    if (method !== 'ACK' && method !== 'BYE' && method !== 'CANCEL') req.headers.setRaw('Contact', `<${this.#peer.contact}>`);
    if (opts.body !== undefined) req.headers.setRaw('Content-Type', 'application/sdp');
    for (const h of opts.headers ?? []) req.headers.appendRaw(h.name, h.value);
    return req;
  }

  /** §13.2.2.4: the ACK for a 2xx to the INVITE with CSeq `seq` (a new branch). */
  ack(seq: number, body?: Buffer): SipRequest {
    return this.request('ACK', { cseq: seq, ...(body === undefined ? {} : { body }) });
  }
}

function contactOf(m: SipMessage): Uri {
  const c = m.headers.get('Contact');
  if (c === undefined || c.isStar || c.contacts[0] === undefined) throw new Error('no Contact to target');
  return c.contacts[0].uri;
}
