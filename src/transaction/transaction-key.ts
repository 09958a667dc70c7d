/**
 * Transaction matching keys (RFC 3261 §17.1.3, §17.2.3, §8.2.2.2, §9.2). Pure functions of a message, so that the
 * rules can be read and tested apart from the layer's stores.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.1.3
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.2.3
 */
import type { Via } from '../sip/headers/header-types.js';
import type { SipRequest } from '../sip/message.js';
import { Method } from '../sip/methods.js';
import type { Param, Params } from '../sip/params.js';
import { BRANCH_COOKIE } from '../util/ids.js';

/** RFC 3261 §17.2.3: a branch "beginning with the magic cookie z9hG4bK" was made by an RFC 3261 element. */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(BRANCH_COOKIE);
}

/**
 * Client key (§17.1.3): "the response has the same value of the branch parameter in the top Via header field as the
 * branch parameter in the top Via header field of the request that created the transaction" and "the method
 * parameter in the CSeq header field matches the method of the request that created the transaction".
 */
export function clientKey(branch: string, method: string): string {
  return `${branch}\u0000${method}`;
}

/** Default port of a Via sent-by without one (RFC 3261 §18.2.1, §19.1.2). */
function defaultPort(transport: string): number {
  return transport.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/** The sent-by of a Via, normalised (host case-folded, default port made explicit) for comparison. */
export function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? defaultPort(via.transport)}`;
}

/**
 * Server key for an RFC 3261 branch (§17.2.3): "1. the branch parameter in the request is equal to the one in the
 * top Via header field of the request that created the transaction, and 2. the sent-by value in the top Via of the
 * request is equal to the one in the request that created the transaction, and 3. the method of the request matches
 * the one that created the transaction, except for ACK, where the method of the request that created the transaction
 * is INVITE." `asMethod` overrides the method (§9.2: a CANCEL is matched to the INVITE it cancels).
 */
export function serverKey(request: SipRequest, asMethod?: string): string | undefined {
  const via = request.topVia;
  if (!isRfc3261Branch(via.branch)) return undefined;
  const method = asMethod ?? (request.method === Method.ACK ? Method.INVITE : request.method);
  return `${via.branch}\u0000${sentBy(via)}\u0000${method}`;
}

function paramsKey(params: Params): string {
  return params
    .map((p: Param) => `${p[0].toLowerCase()}=${(p[1] ?? '').toLowerCase()}`)
    .sort()
    .join(';');
}

/** The whole top Via, for the RFC 2543 rule "top Via header field match". */
function viaKey(via: Via): string {
  return [via.transport.toUpperCase(), sentBy(via), via.branch ?? '', paramsKey(via.params)].join('\u0001');
}

/**
 * The hashable part of the RFC 2543 match (§17.2.3 last paragraph) shared by a request, its retransmissions, its ACK
 * and its CANCEL: From tag, Call-ID, CSeq number and top Via. The layer then compares the Request-URI (RFC 3261
 * §19.1.4 equality, `urisEqual`), the method and the To tag (for an ACK, against the tag of the response sent).
 */
export function rfc2543Key(request: SipRequest): string {
  return [request.from.tag ?? '', request.callId, request.cseq.seq, viaKey(request.topVia)].join('\u0002');
}

/**
 * §8.2.2.2 merged-request key: "If the From tag, Call-ID, and CSeq exactly match those associated with an ongoing
 * transaction". Only requests without a To tag are checked.
 */
export function mergeKey(request: SipRequest): string {
  const cseq = request.cseq;
  return [request.from.tag ?? '', request.callId, cseq.seq, cseq.method].join('\u0000');
}
