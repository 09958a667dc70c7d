import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { Resolver } from '../transport/resolver.js';
import type { TransportProtocol } from '../transport/transport.js';
import type { Clock } from '../util/clock.js';

/** Where legs register the dialogs they own, so in-dialog requests, ACKs and stray 2xx find them. */
export interface DialogRegistry {
  register(callId: string, localTag: string, leg: DialogOwner): void;
  /**
   * A closed leg's dialog: `standIn` answers for it for 64·T1 (the longest retransmission span), then the dialog is
   * forgotten. The registry keeps one queue for all of them (util/fixed-delay-queue.ts), not a timer each.
   */
  retire(callId: string, localTag: string, standIn: DialogOwner): void;
}

/** What the registry hands inputs to (a leg). */
export interface DialogOwner {
  onInDialogRequest(tx: ServerTransaction, request: SipRequest): void;
  onAck(ack: SipRequest): void;
  onStray2xx(response: SipResponse): void;
}

/** What every leg needs from the gateway, injected (STYLE.md P8, P11). */
export interface LegContext {
  readonly transactions: TransactionLayer;
  readonly clock: Clock;
  readonly t1: number;
  readonly t2: number;
  readonly timerCMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly userAgent: string;
  readonly resolver: Resolver;
  readonly registry: DialogRegistry;
  /** Our Contact on the listening point of `protocol`. */
  contactFor(protocol: TransportProtocol): NameAddr;
  /** The host (address) of our listening point of `protocol`, for the From of outbound calls. */
  contactHost(protocol: TransportProtocol): string;
}
