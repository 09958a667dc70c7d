/**
 * The transaction user (TU) as the transaction layer sees it: the interface the dialog layer implements
 * (RFC 3261 §17: "the TU … is the layer above the transaction layer").
 *
 * Inputs that belong to an existing transaction are events on that transaction (a client transaction's
 * 'provisional' / 'final' / 'timeout' / 'transportError' / 'terminated'; a server transaction's 'timeout' /
 * 'transportError' / 'terminated'). This interface carries what has no transaction to listen on yet: new requests,
 * CANCELs, and the responses and ACKs that no transaction absorbs.
 *
 * The layer calls these methods synchronously from its receive path. A method that throws is logged at error level
 * (never swallowed silently) and the receive path goes on.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Source } from '../transport/transport.js';
import type { InviteServerTransaction } from './invite-server.js';
import type { NonInviteServerTransaction } from './non-invite-server.js';

/** A server transaction of either kind; switch on `kind` ('InviteServer' | 'NonInviteServer'). */
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** What the transaction layer calls on the layer above it. */
export interface TransactionUser {
  /**
   * A request that matched no transaction created a server transaction (RFC 3261 §17.2.1 "The request MUST be passed
   * to the TU", §17.2.2). Not called for ACK (see {@link onStrayAck}) nor for CANCEL (see {@link onCancel}), nor for
   * merged requests, which the layer answers with 482 itself (§8.2.2.2). The TU answers with `tx.respond()`.
   */
  onRequest(tx: ServerTransaction, request: SipRequest, source: Source): void;

  /**
   * A CANCEL created its own non-INVITE server transaction (§9.2). `invite` is the INVITE server transaction it
   * matches, or undefined — then the TU "SHOULD respond to the CANCEL with a 481". Otherwise the TU answers the CANCEL
   * with 200 on `tx` and, if `invite` has not sent a final response, answers it with 487 (§9.2).
   */
  onCancel(
    tx: NonInviteServerTransaction,
    cancel: SipRequest,
    invite: InviteServerTransaction | undefined,
    source: Source,
  ): void;

  /**
   * A response that matches no client transaction (§17.1.3; §18.1.2 then leaves it to the core). The dialog layer
   * needs the 2xx retransmissions that arrive after the INVITE client transaction ended, to re-send their ACK
   * (§13.2.2.4); a UAC core drops the rest.
   */
  onStrayResponse(response: SipResponse, source: Source): void;

  /**
   * An ACK no transaction absorbs: the ACK for a 2xx (it is its own transaction, §17.1.1.3 / §13.2.2.4), either
   * matching no server transaction or matching an INVITE server transaction in Accepted (RFC 6026 §7.1), and any ACK
   * that matches nothing.
   */
  onStrayAck(ack: SipRequest, source: Source): void;
}
