/**
 * Q.931 message types (Q.931 §4.4, Table 4-2) used by QSIG basic call (ISO/IEC 11572) and carried in
 * application/QSIG bodies (RFC 3204 §3.2, RFC 4497). Names use `_` for spaces.
 */
export const QSIG_MESSAGE_TYPES = {
  ALERTING: 0x01,
  CALL_PROCEEDING: 0x02,
  PROGRESS: 0x03,
  SETUP: 0x05,
  CONNECT: 0x07,
  SETUP_ACKNOWLEDGE: 0x0d,
  CONNECT_ACKNOWLEDGE: 0x0f,
  DISCONNECT: 0x45,
  RELEASE: 0x4d,
  RELEASE_COMPLETE: 0x5a,
  FACILITY: 0x62,
  NOTIFY: 0x6e,
  STATUS_ENQUIRY: 0x75,
  INFORMATION: 0x7b,
  STATUS: 0x7d,
} as const;

/** Name of a supported QSIG message ("SETUP", "RELEASE_COMPLETE", …). */
export type QsigMessageName = keyof typeof QSIG_MESSAGE_TYPES;

/** Message name by type code (index 0-255). @internal */
export const QSIG_MESSAGE_NAME_BY_CODE: readonly (QsigMessageName | undefined)[] = (() => {
  const table = new Array<QsigMessageName | undefined>(256).fill(undefined);
  for (const [name, code] of Object.entries(QSIG_MESSAGE_TYPES) as [QsigMessageName, number][]) table[code] = name;
  return table;
})();
