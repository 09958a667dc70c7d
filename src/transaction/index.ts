/**
 * Transaction layer (RFC 3261 §17 with RFC 6026): public surface for the dialog layer and the composition root.
 */
export { TransactionLayer } from './transaction-layer.js';
export type { ClientTransaction, TransactionLayerCounters } from './transaction-layer.js';
export type { ServerTransaction, TransactionUser } from './transaction-user.js';
export type { TransactionLayerOptions, TransactionTimers, TransactionTimerPair } from './transaction-options.js';
export { InviteClientTransaction } from './invite-client.js';
export type { InviteClientTransactionEvents } from './invite-client.js';
export { NonInviteClientTransaction } from './non-invite-client.js';
export type { NonInviteClientTransactionEvents } from './non-invite-client.js';
export { InviteServerTransaction } from './invite-server.js';
export type { InviteServerTransactionEvents } from './invite-server.js';
export { NonInviteServerTransaction } from './non-invite-server.js';
export type { NonInviteServerTransactionEvents } from './non-invite-server.js';
export type { ClientTransactionEvents } from './client-transaction.js';
export type { TerminationReason, TransactionEvents, TransactionKind } from './transaction.js';
export type * from './transaction-state.js';
export { TimeoutError } from './timeout-error.js';
export { buildCancel, buildNon2xxAck } from './request-builders.js';
