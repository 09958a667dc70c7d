/**
 * Input classification (STYLE.md P5): every message, TU action, timer and transport failure becomes one
 * {@link TransactionInput} before a machine dispatches on state × input. The machines never look at a raw status
 * code or method themselves.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import { Method } from '../sip/methods.js';
import type { TransportError } from '../transport/transport-error.js';
import type { Source } from '../transport/transport.js';

/** Transaction timers by their RFC letter; `Trying100` is the IST's 200 ms "send 100 Trying" guard (§17.2.1). */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying100';

/** Response classes as the §17 state diagrams name them. */
export type ResponseClass = '1xx' | '2xx' | '3xx-6xx';

/** A response received from the network (client transactions). */
export interface ResponseInput {
  readonly kind: ResponseClass;
  readonly response: SipResponse;
}

/** A response the TU passes to a server transaction. */
export interface TuResponseInput {
  readonly kind: 'tu-1xx' | 'tu-2xx' | 'tu-3xx-6xx';
  readonly response: SipResponse;
}

/** A request received for an existing server transaction: a retransmission, or the ACK of an IST. */
export interface RequestInput {
  readonly kind: 'request' | 'ack';
  readonly request: SipRequest;
  /** Where it came from (an ACK passed to the TU keeps its source). */
  readonly source: Source;
}

/** A transaction timer fired. */
export interface TimerInput {
  readonly kind: 'timer';
  readonly timer: TimerName;
}

/** The transport failed to send (RFC 3261 §17.1.4 / §17.2.4). */
export interface TransportErrorInput {
  readonly kind: 'transportError';
  readonly error: TransportError;
}

/** Inputs of client transactions. */
export type ClientInput = ResponseInput | TimerInput | TransportErrorInput;

/** Inputs of server transactions. */
export type ServerInput = RequestInput | TuResponseInput | TimerInput | TransportErrorInput;

/** Any transaction input. */
export type TransactionInput = ClientInput | ServerInput;

/**
 * Status code → response class.
 * @throws TypeError for a status outside 100–699 (the parser never produces one; a TU bug otherwise).
 */
export function responseClass(status: number): ResponseClass {
  if (!Number.isInteger(status) || status < 100 || status > 699) throw new TypeError(`invalid SIP status ${status}`);
  if (status < 200) return '1xx';
  if (status < 300) return '2xx';
  return '3xx-6xx';
}

/** Classifies a response received from the network. */
export function classifyResponse(response: SipResponse): ResponseInput {
  return { kind: responseClass(response.status), response };
}

/** Classifies a response passed down by the TU. */
export function classifyTuResponse(response: SipResponse): TuResponseInput {
  const cls = responseClass(response.status);
  return { kind: cls === '1xx' ? 'tu-1xx' : cls === '2xx' ? 'tu-2xx' : 'tu-3xx-6xx', response };
}

/** Classifies a request matched to an existing server transaction. */
export function classifyRequest(request: SipRequest, source: Source): RequestInput {
  return { kind: request.method === Method.ACK ? 'ack' : 'request', request, source };
}

/** A timer input. */
export function timerInput(timer: TimerName): TimerInput {
  return { kind: 'timer', timer };
}

/** A transport failure input. */
export function transportErrorInput(error: TransportError): TransportErrorInput {
  return { kind: 'transportError', error };
}
