/**
 * ISUP message type codes (Q.763 Table 4; standards.md §6.2) of the messages the codec handles: the call
 * control set a SIP-I/SIP-T gateway exchanges (RFC 3204 bodies; RFC 3398 §7, §8). Maintenance messages
 * (BLO, GRS, …) never travel in SIP bodies and are rejected as unknown.
 */
export const ISUP_MESSAGE_TYPES = {
  IAM: 0x01,
  SAM: 0x02,
  INR: 0x03,
  INF: 0x04,
  ACM: 0x06,
  CON: 0x07,
  ANM: 0x09,
  REL: 0x0c,
  SUS: 0x0d,
  RES: 0x0e,
  RLC: 0x10,
  CPG: 0x2c,
} as const;

/** Name of a supported ISUP message ("IAM", "REL", …). */
export type IsupMessageName = keyof typeof ISUP_MESSAGE_TYPES;
