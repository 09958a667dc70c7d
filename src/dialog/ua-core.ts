/**
 * The UA core (RFC 3261 §8.2): the transaction user that answers what no dialog or call handles, in the order
 * §8.2 prescribes, and hands the rest to a {@link CoreHandler} (the B2BUA).
 *
 *   request ─▶ version (505) ─▶ method known? (501) ─▶ Request-URI scheme (416, §8.2.2.1)
 *           ─▶ Require (420 + Unsupported, §8.2.2.3) ─▶ handler claims it? ─▶ OPTIONS (200, §11.2)
 *           ─▶ in-dialog without dialog (481, §12.2.2) ─▶ 405 + Allow (§8.2.1)
 *
 * Stateless beyond the transactions it answers on; nothing here keeps per-request state.
 */
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createResponse } from '../sip/build.js';
import type { HeaderField } from '../sip/header-list.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { SIP_VERSION } from '../sip/message.js';
import { Method } from '../sip/methods.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import type { ServerTransaction, TransactionUser } from '../transaction/transaction-user.js';
import type { Source } from '../transport/transport.js';
import { newTag } from '../util/ids.js';

/** What the layer above (the B2BUA) takes from the UA core. Each method returns true when it handled the input. */
export interface CoreHandler {
  /** Methods the handler implements (added to Allow). */
  readonly methods: readonly string[];
  /** Option tags the handler implements (Supported). */
  readonly optionTags: readonly string[];
  /** Media types the handler accepts in bodies (Accept). */
  readonly accept: readonly string[];
  onRequest(tx: ServerTransaction, request: SipRequest, source: Source): boolean;
  onCancel(tx: NonInviteServerTransaction, cancel: SipRequest, invite: InviteServerTransaction, source: Source): boolean;
  onStrayAck(ack: SipRequest, source: Source): boolean;
  onStrayResponse(response: SipResponse, source: Source): boolean;
}

export interface UaCoreOptions {
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Server header value (topology hiding: no version unless configured). */
  readonly serverName: string;
  readonly handler?: CoreHandler;
}

/** Methods the UA core itself answers. */
const CORE_METHODS = [Method.OPTIONS, Method.ACK, Method.CANCEL] as const;
const KNOWN_METHODS: ReadonlySet<string> = new Set(Object.values(Method));
/** RFC 3261 §8.2.2.1 / RFC 3966: URI schemes Tandem processes. */
const SCHEMES: ReadonlySet<string> = new Set(['sip', 'sips', 'tel']);

export class UaCore implements TransactionUser {
  readonly #log: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #server: string;
  #handler: CoreHandler | undefined;

  constructor(options: UaCoreOptions) {
    this.#log = options.logger.child({ module: 'ua-core' });
    this.#metrics = options.metrics;
    this.#server = options.serverName;
    this.#handler = options.handler;
  }

  /** Binds the layer above (built after the UA core). */
  setHandler(handler: CoreHandler): void {
    this.#handler = handler;
  }

  /** Allow (§20.5): the core's methods and the handler's. */
  get allow(): readonly string[] {
    return [...new Set([...(this.#handler?.methods ?? []), ...CORE_METHODS])];
  }

  /** Supported (§20.37): option tags implemented. */
  get supported(): readonly string[] {
    return this.#handler?.optionTags ?? [];
  }

  /** Accept (§20.1): body types understood. */
  get accept(): readonly string[] {
    return this.#handler?.accept ?? ['application/sdp', 'multipart/mixed'];
  }

  onRequest(tx: ServerTransaction, request: SipRequest, source: Source): void {
    // RFC 3261 §21.5.6 / RFC 4475 §3.1.2.16: a version we do not speak → 505.
    if (request.version !== SIP_VERSION) return this.#reply(tx, request, 505);
    // §8.2.1 / §21.5.2: an unrecognised method → 501 (RFC 4475 §3.1.2.18 prefers it to 400).
    if (!KNOWN_METHODS.has(request.method)) return this.#reply(tx, request, 501, [this.#allowField()]);
    // §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416".
    if (!SCHEMES.has(request.uri.scheme)) return this.#reply(tx, request, 416);
    // §8.2.2.3: "If a UAS does not understand an option-tag listed in a Require header field, it MUST respond by
    // generating a response with status code 420 … and MUST add an Unsupported header field".
    const required = request.headers.get('Require') ?? [];
    const unknown = required.filter((t) => !this.supported.includes(t.toLowerCase()));
    if (unknown.length > 0) {
      return this.#reply(tx, request, 420, [{ name: 'Unsupported', value: unknown.join(', ') }]);
    }
    if (this.#handler?.onRequest(tx, request, source) === true) return;
    const isInDialog = request.to.tag !== undefined;
    if (request.method === Method.OPTIONS && !isInDialog) return this.#answerOptions(tx, request);
    // §12.2.2: a request with a To tag that matches no dialog → 481.
    if (isInDialog) return this.#reply(tx, request, 481);
    // §8.2.1: a method the UAS does not support → 405 with Allow.
    return this.#reply(tx, request, 405, [this.#allowField()]);
  }

  onCancel(
    tx: NonInviteServerTransaction,
    cancel: SipRequest,
    invite: InviteServerTransaction | undefined,
    source: Source,
  ): void {
    // §9.2: "If the UAS did not find a matching transaction for the CANCEL … it SHOULD respond to the CANCEL with a
    // 481 (Call Leg/Transaction Does Not Exist)".
    if (invite === undefined) return this.#reply(tx, cancel, 481);
    if (this.#handler?.onCancel(tx, cancel, invite, source) === true) return;
    // §9.2: the CANCEL is answered 200; the INVITE, if still pending, 487.
    this.#reply(tx, cancel, 200);
    if (invite.state === 'Proceeding') invite.respond(createResponse(invite.request, 487, { toTag: newTag() }));
  }

  onStrayAck(ack: SipRequest, source: Source): void {
    if (this.#handler?.onStrayAck(ack, source) === true) return;
    this.#metrics?.inc('tandem_sip_stray_total', 'Messages matching no transaction or dialog', { kind: 'ack' });
    this.#log.debug({ callId: ack.headers.getRaw('Call-ID') }, 'stray ACK absorbed');
  }

  onStrayResponse(response: SipResponse, source: Source): void {
    if (this.#handler?.onStrayResponse(response, source) === true) return;
    // §18.1.2 leaves it to the core; a UAC core drops responses that match nothing (RFC 4475 §3.3.10 bcast).
    this.#metrics?.inc('tandem_sip_stray_total', 'Messages matching no transaction or dialog', { kind: 'response' });
    this.#log.debug({ status: response.status, source: source.remote }, 'stray response dropped');
  }

  /** §11.2: the response to OPTIONS carries Allow, Accept and Supported, and no body. */
  #answerOptions(tx: ServerTransaction, request: SipRequest): void {
    this.#reply(tx, request, 200, [
      this.#allowField(),
      { name: 'Accept', value: this.accept.join(', ') },
      { name: 'Supported', value: this.supported.join(', ') },
    ]);
  }

  #allowField(): HeaderField {
    return { name: 'Allow', value: this.allow.join(', ') };
  }

  #reply(tx: ServerTransaction, request: SipRequest, status: number, extra: readonly HeaderField[] = []): void {
    const response = createResponse(request, status, {
      toTag: newTag(),
      headers: [...extra, { name: 'Server', value: this.#server }],
    });
    this.#metrics?.inc('tandem_sip_core_responses_total', 'Responses sent by the UA core', { status: String(status) });
    try {
      tx.respond(response);
    } catch (err: unknown) {
      this.#log.warn({ err, status }, 'UA core response not sent');
    }
  }
}
