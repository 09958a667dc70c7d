/**
 * A dialog (RFC 3261 §12): the peer-to-peer relationship one INVITE creates, identified by Call-ID, local tag and
 * remote tag, holding the route set, the remote target and both CSeq spaces. Builds the requests sent inside it
 * (§12.2.1.1) and checks the requests received in it (§12.2.2).
 *
 *   Early ──2xx──▶ Confirmed ──BYE / failure──▶ Terminated
 *     └──────────────non-2xx final / CANCEL────────────┘
 *
 * Pure state: no sockets, no timers. The legs of the B2BUA own one dialog each (several early ones on a forked
 * outbound leg).
 */
import { InvalidStateError } from '../errors/tandem-error.js';
import type { HeaderField } from '../sip/header-list.js';
import { HeaderList } from '../sip/header-list.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import { parseNameAddr, parseNameAddrList, serializeNameAddr, serializeNameAddrList } from '../sip/headers/name-addr.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { SipRequest as Request } from '../sip/message.js';
import { formatUri, parseUri } from '../sip/uri/parse-uri.js';
import type { Uri } from '../sip/uri/uri-types.js';
import { detached } from '../util/detached.js';
import { newBranch } from '../util/ids.js';

export type DialogState = 'Early' | 'Confirmed' | 'Terminated';

/** RFC 3261 §8.1.1.6: Max-Forwards on requests a UA originates. */
export const MAX_FORWARDS = 70;

export interface DialogInit {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string | undefined;
  /** Our URI (From when UAC, To when UAS), without tag. */
  readonly localUri: NameAddr;
  /** The peer's URI, without tag. */
  readonly remoteUri: NameAddr;
  readonly localSeq: number;
  readonly remoteSeq: number | undefined;
  readonly remoteTarget: Uri;
  /** In the order requests must traverse (§12.1.1: as in Record-Route for the UAS; reversed for the UAC). */
  readonly routeSet: readonly NameAddr[];
  /** The Contact we put in requests and responses of this dialog. */
  readonly contact: NameAddr;
  readonly state: DialogState;
}

export interface RequestOptions {
  readonly body?: Buffer;
  readonly contentType?: string;
  readonly headers?: readonly HeaderField[];
  /** Use this CSeq number instead of the next one (ACK and CANCEL reuse the INVITE's). */
  readonly cseq?: number;
}

const NO_ROUTES: readonly NameAddr[] = [];

/** The URI of the message's first Contact (the remote target it names, §12.1.1/§12.1.2), if it has one. */
function contactUriOf(message: SipRequest | SipResponse): Uri | undefined {
  const c = message.headers.get('Contact');
  return c === undefined || c.isStar ? undefined : c.contacts[0]?.uri;
}

const noTag = (na: NameAddr): NameAddr => {
  const { tag: _tag, ...rest } = na;
  return rest;
};

/**
 * The peer's and our URIs, the remote target and the route set are kept as their header text and parsed when a
 * request is built (BYE, a session refresh: a few per call). An established call lives for minutes with two dialogs
 * that are rarely read; as parsed values they were a third of its memory (objects, parameter arrays, copied strings),
 * as text they are a few short strings.
 */
export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string | undefined;
  localSeq: number;
  remoteSeq: number | undefined;
  readonly contact: NameAddr;
  #state: DialogState;
  readonly #localUriText: string;
  readonly #remoteUriText: string;
  #remoteTargetText: string;
  readonly #routeText: string | undefined;

  /**
   * Values read from a message are copied ({@link detached}): a dialog outlives the message that created it, and
   * would otherwise keep its whole header section alive through them.
   */
  constructor(init: DialogInit) {
    this.callId = detached(init.callId);
    this.localTag = detached(init.localTag);
    this.remoteTag = init.remoteTag === undefined ? undefined : detached(init.remoteTag);
    this.#localUriText = detached(serializeNameAddr(noTag(init.localUri)));
    this.#remoteUriText = detached(serializeNameAddr(noTag(init.remoteUri)));
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.#remoteTargetText = detached(formatUri(init.remoteTarget));
    this.#routeText = init.routeSet.length === 0 ? undefined : detached(serializeNameAddrList(init.routeSet));
    this.contact = init.contact;
    this.#state = init.state;
  }

  /** Our URI (From when UAC, To when UAS), without tag; parsed on each read. */
  get localUri(): NameAddr {
    return parseNameAddr(this.#localUriText, 'From');
  }

  /** The peer's URI, without tag; parsed on each read. */
  get remoteUri(): NameAddr {
    return parseNameAddr(this.#remoteUriText, 'To');
  }

  /** Where requests inside the dialog go (the peer's Contact, §12.1); parsed on each read. */
  get remoteTarget(): Uri {
    return parseUri(this.#remoteTargetText);
  }

  /** The route set, in the order requests traverse it (§12.1.1, §12.1.2); parsed on each read. */
  get routeSet(): readonly NameAddr[] {
    return this.#routeText === undefined ? NO_ROUTES : parseNameAddrList(this.#routeText, 'Route', { isNameAddrRequired: true });
  }

  /**
   * §12.1.1: the UAS side of a dialog, from the request that creates it: remote target from its Contact, route set
   * from its Record-Route in order, remote sequence number from its CSeq.
   */
  static asUas(request: SipRequest, localTag: string, contact: NameAddr, localSeq: number): Dialog {
    const remoteTarget = contactUriOf(request) ?? request.from.uri;
    return new Dialog({
      callId: request.callId,
      localTag,
      remoteTag: request.from.tag,
      localUri: request.to,
      remoteUri: request.from,
      localSeq,
      remoteSeq: request.cseq.seq,
      remoteTarget,
      routeSet: request.headers.get('Record-Route') ?? [],
      contact,
      state: 'Early',
    });
  }

  /**
   * §12.1.2: the UAC side, from a response with a To tag to the INVITE we sent: route set from the response's
   * Record-Route in reverse order, remote target from its Contact, local sequence number from the INVITE's CSeq.
   */
  static asUac(invite: SipRequest, response: SipResponse, contact: NameAddr): Dialog {
    const remoteTarget = contactUriOf(response) ?? invite.uri;
    return new Dialog({
      callId: invite.callId,
      localTag: invite.from.tag ?? '',
      remoteTag: response.to.tag,
      localUri: invite.from,
      remoteUri: invite.to,
      localSeq: invite.cseq.seq,
      remoteSeq: undefined,
      remoteTarget,
      routeSet: [...(response.headers.get('Record-Route') ?? [])].reverse(),
      contact,
      state: response.status >= 200 ? 'Confirmed' : 'Early',
    });
  }

  /**
   * §13.2.2.4: the dialog of another fork's 2xx to the INVITE that created `sibling` (§12.1.2 with the INVITE's side
   * taken from the sibling): our Call-ID, tag, URIs and Contact; the peer's tag, Contact and Record-Route (reversed)
   * from the response. Without a Contact (a malformed 2xx) the sibling's remote target stands in for the
   * Request-URI.
   */
  static forkOf(sibling: Dialog, inviteSeq: number, response: SipResponse): Dialog {
    return new Dialog({
      callId: sibling.callId,
      localTag: sibling.localTag,
      remoteTag: response.to.tag,
      localUri: sibling.localUri,
      remoteUri: sibling.remoteUri,
      localSeq: inviteSeq,
      remoteSeq: undefined,
      remoteTarget: contactUriOf(response) ?? sibling.remoteTarget,
      routeSet: [...(response.headers.get('Record-Route') ?? [])].reverse(),
      contact: sibling.contact,
      state: 'Confirmed',
    });
  }

  get state(): DialogState {
    return this.#state;
  }

  get isTerminated(): boolean {
    return this.#state === 'Terminated';
  }

  /** Early → Confirmed (§12.1: a 2xx confirms the dialog). */
  confirm(): void {
    if (this.#state === 'Early') this.#state = 'Confirmed';
  }

  terminate(): void {
    this.#state = 'Terminated';
  }

  /**
   * §12.2.2: "If the remote sequence number was not empty, but the sequence number of the request is lower than the
   * remote sequence number, the request is out of order and MUST be rejected with a 500". ACK and CANCEL carry the
   * sequence number of the request they belong to and are not checked.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    if (request.method === 'ACK' || request.method === 'CANCEL') return true;
    const seq = request.cseq.seq;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** §12.2.1.2/§12.2.2: a target refresh request or its 2xx may change the remote target (Contact). */
  refreshTarget(message: SipRequest | SipResponse): void {
    const uri = contactUriOf(message);
    if (uri !== undefined) this.#remoteTargetText = detached(formatUri(uri));
  }

  /**
   * §12.2.1.1: a request within the dialog: To with the remote tag, From with the local tag, Call-ID, CSeq (next
   * local sequence number unless given), Request-URI and Route from the remote target and route set (loose routing:
   * the remote target is the Request-URI and the route set becomes Route), Contact, Max-Forwards, a fresh Via branch.
   */
  createRequest(method: string, opts: RequestOptions = {}): SipRequest {
    if (this.#state === 'Terminated' && method !== 'ACK') throw new InvalidStateError(`dialog ${this.callId} is terminated`);
    let seq: number;
    if (opts.cseq !== undefined) seq = opts.cseq;
    else {
      this.localSeq += 1;
      seq = this.localSeq;
    }
    const headers = new HeaderList();
    headers.set('Via', [{ protocol: 'SIP/2.0', transport: 'UDP', host: 'invalid.invalid', branch: newBranch(), params: [] }]);
    headers.set('Max-Forwards', MAX_FORWARDS);
    headers.set('From', { ...this.localUri, tag: this.localTag });
    headers.set('To', this.remoteTag === undefined ? this.remoteUri : { ...this.remoteUri, tag: this.remoteTag });
    headers.set('Call-ID', this.callId);
    headers.set('CSeq', { seq, method });
    const routes = this.routeSet;
    if (routes.length > 0) headers.set('Route', routes);
    if (method !== 'ACK' && method !== 'CANCEL' && method !== 'BYE') {
      headers.set('Contact', { isStar: false, contacts: [this.contact] });
    }
    for (const f of opts.headers ?? []) headers.appendRaw(f.name, f.value);
    if (opts.body !== undefined && opts.body.length > 0) headers.setRaw('Content-Type', opts.contentType ?? 'application/sdp');
    return new Request({
      method,
      uri: this.remoteTarget,
      headers,
      ...(opts.body === undefined ? {} : { body: opts.body }),
    });
  }

  /** §13.2.2.4: the ACK for a 2xx — a new transaction (fresh branch) with the INVITE's CSeq number. */
  createAck(inviteSeq: number, body?: Buffer, contentType?: string): SipRequest {
    return this.createRequest('ACK', {
      cseq: inviteSeq,
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
  }
}
