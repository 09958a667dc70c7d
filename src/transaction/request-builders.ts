/**
 * Requests the transaction layer builds from an INVITE: the ACK for a non-2xx final response (RFC 3261 §17.1.1.3)
 * and, as a convenience for the TU, the CANCEL (§9.1). Both copy header lines from the INVITE as written
 * (raw) where the RFC asks for identical values, and use typed setters for what they change.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.3
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-9.1
 */
import { HeaderList } from '../sip/header-list.js';
import { SipRequest } from '../sip/message.js';
import type { SipResponse } from '../sip/message.js';
import { Method } from '../sip/methods.js';

/** RFC 3261 §8.1.1.6: "a UAC MUST insert a Max-Forwards header field into each request … SHOULD be 70". */
const MAX_FORWARDS = 70;

/**
 * Copies the parts of `invite` that ACK and CANCEL share (§17.1.1.3, §9.1): the top Via only (same branch),
 * From and Call-ID as written, the CSeq number with `method`, Route lines in order, Max-Forwards 70.
 */
function derived(invite: SipRequest, method: string, toRaw: string | undefined): SipRequest {
  const headers = new HeaderList();
  // §17.1.1.3: "The Via header field in the ACK MUST contain only a single header field value, which MUST be equal
  // to the top Via header field of the original request." §9.1 says the same for CANCEL.
  headers.set('Via', [invite.topVia]);
  headers.set('Max-Forwards', MAX_FORWARDS);
  const from = invite.headers.getRaw('From');
  if (from !== undefined) headers.setRaw('From', from);
  if (toRaw !== undefined) headers.setRaw('To', toRaw);
  headers.setRaw('Call-ID', invite.headers.require('Call-ID'));
  // §17.1.1.3: "The CSeq header field in the ACK MUST contain the same value for the sequence number as was present
  // in the original request, but the method parameter MUST be equal to 'ACK'."
  headers.set('CSeq', { seq: invite.cseq.seq, method });
  // §17.1.1.3: "If the INVITE request whose response is being acknowledged had Route header fields, those header
  // fields MUST appear in the ACK." (§9.1 likewise for CANCEL.)
  for (const route of invite.headers.getAllRaw('Route')) headers.appendRaw('Route', route);
  // §17.1.1.3: "The ACK MUST contain a single Request-URI … equal to the Request-URI of the original request".
  return new SipRequest({ method, uri: invite.uri, headers });
}

/**
 * The ACK for a non-2xx final response to `invite` (RFC 3261 §17.1.1.3): same Request-URI, Call-ID, From and CSeq
 * number (method ACK), the top Via only, the To header field of the response (it carries the UAS tag), the INVITE's
 * Route header fields.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  // §17.1.1.3: "The To header field in the ACK MUST equal the To header field in the response being acknowledged".
  return derived(invite, Method.ACK, response.headers.getRaw('To'));
}

/**
 * A CANCEL for `invite` (RFC 3261 §9.1): same Request-URI, Call-ID, To, From and CSeq number (method CANCEL), the top
 * Via only (same branch), the INVITE's Route header fields. The TU sends it as a new non-INVITE client transaction,
 * and only once a provisional response has arrived (§9.1).
 */
export function buildCancel(invite: SipRequest): SipRequest {
  return derived(invite, Method.CANCEL, invite.headers.getRaw('To'));
}
