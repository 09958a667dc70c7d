/**
 * Q.850 vocabulary shared by the mapping tables: cause value range, cause classes and the RFC 8606 location tokens.
 * The cause *names* are data (mappings/q850-causes.yaml); only the fixed structure of the coding lives here.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8606#section-4 (isup-cause-location tokens)
 * @packageDocumentation
 */

/** Smallest and largest Q.850 cause value (7-bit field; 0 is not a cause). ITU-T Q.850 §2.2.5. */
export const MIN_CAUSE = 1;
/** Largest Q.850 cause value. */
export const MAX_CAUSE = 127;
/** Smallest SIP status a cause table may hold: mappings cover redirection and failure responses only. */
export const MIN_MAPPED_STATUS = 300;
/** Largest SIP status (RFC 3261 §7.2: three digits, classes 1-6). */
export const MAX_MAPPED_STATUS = 699;

// RFC 8606 §4: isup-location-value tokens, in the order of their 4-bit Q.850 location value (index = value).
/** RFC 8606 location tokens indexed by their Q.850 location value (0-15). */
export const LOCATION_TOKENS = [
  'U', 'LPN', 'LN', 'TN', 'RLN', 'RPN', 'LOC-6', 'INTL',
  'LOC-8', 'LOC-9', 'BI', 'LOC-11', 'LOC-12', 'LOC-13', 'LOC-14', 'LOC-15',
] as const;

/** An RFC 8606 `location` token (U, LPN, LN, TN, RLN, RPN, INTL, BI or LOC-n). */
export type LocationToken = (typeof LOCATION_TOKENS)[number];

const LOCATION_VALUES: ReadonlyMap<string, number> = new Map(LOCATION_TOKENS.map((t, i) => [t, i]));

/** Human-readable meaning of each location value (Q.850 §2.2.5 via standards.md §6.6). */
export const LOCATION_NAMES: Readonly<Record<LocationToken, string>> = Object.freeze({
  U: 'user',
  LPN: 'private network serving the local user',
  LN: 'public network serving the local user',
  TN: 'transit network',
  RLN: 'public network serving the remote user',
  RPN: 'private network serving the remote user',
  'LOC-6': 'spare',
  INTL: 'international network',
  'LOC-8': 'spare',
  'LOC-9': 'spare',
  BI: 'network beyond interworking point',
  'LOC-11': 'spare',
  'LOC-12': 'national use',
  'LOC-13': 'national use',
  'LOC-14': 'national use',
  'LOC-15': 'national use',
});

/** True if `value` is an RFC 8606 location token (case-sensitive, as the ABNF literals are upper case). */
export function isLocationToken(value: unknown): value is LocationToken {
  return typeof value === 'string' && LOCATION_VALUES.has(value);
}

/** The 4-bit Q.850 location value of a token (U → 0 … BI → 10). */
export function locationValue(token: LocationToken): number {
  return LOCATION_VALUES.get(token)!;
}

/**
 * Normalizes a location given as a token or as its 4-bit value; `undefined` if it is neither.
 * Tokens are matched case-insensitively here because this reads network input (RFC 8606 `location=bi`).
 */
export function toLocationToken(value: LocationToken | string | number): LocationToken | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? LOCATION_TOKENS[value] : undefined;
  const upper = value.toUpperCase();
  if (isLocationToken(upper)) return upper;
  if (/^(0|[1-9][0-9]?)$/.test(value)) return LOCATION_TOKENS[Number(value)];
  return undefined;
}

/** The class of a cause: bits GFE of the value (Q.850 §2.2.7; standards.md §7). */
export function causeClass(cause: number): number {
  return cause >> 4;
}

/**
 * The "unspecified" cause of the same class (31, 47, 63, 79, 95, 111, 127): what a receiver treats an unknown
 * cause value as. Classes 0 and 1 (normal events) share 31. [V1: vendor interworking tables, standards.md §7]
 */
export function unspecifiedCauseOfClass(cause: number): number {
  const cls = causeClass(cause);
  return cls <= 1 ? 31 : cls * 16 + 15;
}

/** True if `cause` is an integer Q.850 cause value (1-127). */
export function isCauseValue(cause: unknown): cause is number {
  return typeof cause === 'number' && Number.isInteger(cause) && cause >= MIN_CAUSE && cause <= MAX_CAUSE;
}

/** True if `status` is an integer SIP status that a cause table may map (300-699). */
export function isMappedStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= MIN_MAPPED_STATUS && status <= MAX_MAPPED_STATUS;
}
