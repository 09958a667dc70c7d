/**
 * Which Q.850 cause a release carries toward ISUP (or in a Reason header): a Q.850 Reason header first, then the
 * cause of an encapsulated ISUP REL, then the profile's table. Pure: it reads a `MappingSet`, nothing else, and
 * takes a minimal Reason shape so that it does not depend on the SIP message types.
 *
 * Precedence (standards.md §1.5/§1.6):
 * - RFC 3398 §7.2.3: a BYE/CANCEL Reason SHOULD map to the REL cause; with both Reason and encapsulated ISUP, the
 *   Reason MUST win.
 * - RFC 6432: `Reason: Q.850;cause=N` is legal in any response but 100, so it also wins over the status table
 *   (OpenSIPS sip_i and Oracle SBC do the same).
 * - Reason values of another protocol (`SIP;cause=600`) are ignored for the cause; RFC 8606 `location` is only
 *   meaningful with Q.850.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.3
 * @see https://www.rfc-editor.org/rfc/rfc6432
 * @see https://www.rfc-editor.org/rfc/rfc8606
 * @packageDocumentation
 */
import type { MappingSet } from './mapping-tables.js';
import type { ReleaseMethod } from './mapping-schema.js';
import { isCauseValue, toLocationToken, type LocationToken } from './q850-causes.js';

/** One parsed Reason header value (RFC 3326 §2 / RFC 8606 §4), as the SIP layer hands it over. */
export interface ReasonValue {
  /** `Q.850`, `SIP`, or another token; compared case-insensitively. */
  readonly protocol: string;
  readonly cause: number;
  readonly text?: string;
  /** RFC 8606 location token (or its decimal value); ignored unless the protocol is Q.850. */
  readonly location?: string;
}

/** The Cause Indicators of an encapsulated ISUP REL (RFC 3204 body), as the codec hands it over. */
export interface IsupReleaseCause {
  readonly cause: number;
  readonly location?: LocationToken | number;
}

/** What released the call on the SIP side: a final status, or a BYE/CANCEL. */
export type ReleaseTrigger =
  | { readonly status: number; readonly method?: never }
  | { readonly method: ReleaseMethod; readonly status?: never };

/** Input of `chooseReleaseCause`. */
export type ReleaseCauseInput = ReleaseTrigger & {
  /** Reason header values of the response or request, in order. */
  readonly reasons?: readonly ReasonValue[];
  /** Cause of an encapsulated ISUP REL, when the message carried one. */
  readonly isup?: IsupReleaseCause;
  /** Warning code of the response (for the 488/606 "by Warning header" rows). */
  readonly warningCode?: number;
};

/** Where the chosen cause came from. */
export type CauseOrigin = 'reason' | 'isup' | 'table';

/** The cause to send, and why. */
export interface ReleaseCauseDecision {
  /** The cause, or null when the table says none (487 in RFC 3398: no REL is generated). */
  readonly cause: number | null;
  /**
   * Location: the Reason's or the REL's own when present, else the profile's for this status/method (a REL always
   * needs one).
   */
  readonly location?: LocationToken;
  readonly origin: CauseOrigin;
  /** The table row's source, or a description of the header/body the cause came from. */
  readonly source: string;
  /** True when the table's default row was used. */
  readonly isDefault: boolean;
}

/**
 * The first Reason value with protocol Q.850 and a cause in 1-127 (RFC 3326: at most one value per protocol;
 * if a peer sends more, the first wins). Undefined if none is usable.
 */
export function findQ850Reason(reasons: readonly ReasonValue[] | undefined): ReasonValue | undefined {
  return reasons?.find((r) => r.protocol.toUpperCase() === 'Q.850' && isCauseValue(r.cause));
}

/** Chooses the release cause by precedence: Q.850 Reason > encapsulated ISUP REL > the profile's table. */
export function chooseReleaseCause(input: ReleaseCauseInput, set: MappingSet, profile: string): ReleaseCauseDecision {
  const table =
    input.method !== undefined
      ? { ...set.requestCause(input.method, profile), isDefault: false }
      : set.sipToQ850(input.status, profile, input.warningCode === undefined ? undefined : { warningCode: input.warningCode });
  const tableLocation = table.location;

  const reason = findQ850Reason(input.reasons);
  if (reason !== undefined) {
    const location = (reason.location === undefined ? undefined : toLocationToken(reason.location)) ?? tableLocation;
    return decision(reason.cause, location, 'reason', `Reason: Q.850;cause=${reason.cause} (RFC 3398 §7.2.3, RFC 6432)`, false);
  }
  if (input.isup !== undefined && isCauseValue(input.isup.cause)) {
    const location = (input.isup.location === undefined ? undefined : toLocationToken(input.isup.location)) ?? tableLocation;
    return decision(input.isup.cause, location, 'isup', `encapsulated ISUP REL cause ${input.isup.cause} (RFC 3398 §8.2.6.1)`, false);
  }
  return decision(table.cause, table.cause === null ? undefined : tableLocation, 'table', table.source, table.isDefault);
}

function decision(
  cause: number | null,
  location: LocationToken | undefined,
  origin: CauseOrigin,
  source: string,
  isDefault: boolean,
): ReleaseCauseDecision {
  return Object.freeze(location === undefined ? { cause, origin, source, isDefault } : { cause, location, origin, source, isDefault });
}
