import { TandemError } from '../errors/tandem-error.js';

/** A message could not be sent or a socket failed (RFC 3261 §18.4: reported to the transaction as a transport error). */
export class TransportError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TANDEM_ERR_TRANSPORT', message, options);
  }
}
