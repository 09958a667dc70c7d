/**
 * Transaction states (STYLE.md P4): string literals so that they read well in logs and JSON, and one table of legal
 * moves per machine, checked by `Transaction.transition()`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 * @see https://www.rfc-editor.org/rfc/rfc6026#section-7
 */

/** Every state any of the four machines can be in (RFC 3261 §17 plus RFC 6026 "Accepted"). */
export type TransactionState = 'Calling' | 'Trying' | 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

/** INVITE client transaction states (RFC 3261 §17.1.1.2 Figure 5, RFC 6026 §7.2 Figure 3). */
export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

/** Non-INVITE client transaction states (RFC 3261 §17.1.2.2 Figure 6). */
export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

/** INVITE server transaction states (RFC 3261 §17.2.1 Figure 7, RFC 6026 §7.1 Figure 5). */
export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

/** Non-INVITE server transaction states (RFC 3261 §17.2.2 Figure 8). */
export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

/** For each state, the states it may move to. */
export type TransitionTable<S extends TransactionState> = Readonly<Record<S, readonly S[]>>;

/**
 * ICT moves. RFC 6026 §7.2 replaces "2xx → Terminated" by "2xx → Accepted"; a transport error may end any live
 * state (§17.1.4).
 */
export const INVITE_CLIENT_TRANSITIONS: TransitionTable<InviteClientState> = Object.freeze({
  Calling: ['Proceeding', 'Completed', 'Accepted', 'Terminated'],
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Completed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
});

/** NICT moves (RFC 3261 §17.1.2.2). */
export const NON_INVITE_CLIENT_TRANSITIONS: TransitionTable<NonInviteClientState> = Object.freeze({
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
});

/**
 * IST moves. RFC 6026 §7.1 replaces "2xx from TU → Terminated" by "2xx from TU → Accepted"; a transport error may end
 * any live state (§17.2.4).
 */
export const INVITE_SERVER_TRANSITIONS: TransitionTable<InviteServerState> = Object.freeze({
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Completed: ['Confirmed', 'Terminated'],
  Confirmed: ['Terminated'],
  Accepted: ['Terminated'],
  Terminated: [],
});

/** NIST moves (RFC 3261 §17.2.2). */
export const NON_INVITE_SERVER_TRANSITIONS: TransitionTable<NonInviteServerState> = Object.freeze({
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
});
