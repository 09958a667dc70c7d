/** States of a Call (STYLE.md layout): one string union, readable in logs, /calls and metrics. */
export type CallState = 'Routing' | 'Proceeding' | 'Connected' | 'Disconnecting' | 'Terminated';

/** Who ended the call and why (CDR `releasedBy` / `releaseReason`). */
export type ReleasedBy = 'caller' | 'callee' | 'tandem';
export type ReleaseReason = 'bye' | 'cancel' | 'failure' | 'session-timer' | 'media-auth' | 'admission' | 'shutdown';

/** One trunk tried for a call. */
export interface CallAttempt {
  readonly trunk: string;
  /** Call-ID of the outbound leg (absent when the trunk was skipped: down or at its limit). */
  readonly callId?: string;
  /** Wall-clock ms. */
  readonly startTime: number;
  endTime?: number;
  /** Final status from the trunk, or Tandem's own for a timeout (408) or transport failure/skip (503). */
  status?: number;
  /** 'response', 'timeout', 'transport', 'timer-c', 'down', 'busy'. */
  kind?: string;
}

/** What a Call reports when it ends: the raw material of its CDR. */
export interface CallSummary {
  readonly id: string;
  readonly ingressTrunk: string;
  /** The trunk that gave the final answer (or the last one tried). */
  readonly egressTrunk: string | undefined;
  readonly attempts: readonly CallAttempt[];
  readonly calling: string;
  readonly called: string;
  /** Wall-clock ms. */
  readonly setupTime: number;
  readonly ringTime: number | undefined;
  readonly answerTime: number | undefined;
  readonly endTime: number;
  readonly finalStatus: number;
  readonly q850Cause: number | undefined;
  readonly causeLocation: string | undefined;
  readonly releasedBy: ReleasedBy;
  readonly releaseReason: ReleaseReason;
  readonly inboundCallId: string;
  readonly outboundCallId: string | undefined;
  readonly mappingVersion: string;
  /**
   * SIP-I/SIP-T calls (RFC 3204 bodies): the cause of the ISUP REL received from or sent to an ISUP trunk (Q.763
   * §3.12), and the calling party's category of the IAM received or sent (Q.763 §3.11). Absent when no ISUP was
   * involved.
   */
  readonly isupCause?: number | undefined;
  readonly callingPartyCategory?: number | undefined;
  /** RFC 4028 session timer of the call (the caller's leg, else the callee's), absent when none ran. */
  readonly sessionTimer?: { readonly interval: number; readonly refresher: 'uac' | 'uas' } | undefined;
}
