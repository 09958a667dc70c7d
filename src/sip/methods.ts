/** Methods Tandem knows (RFC 3261 §7.1 and extensions). Methods are case-sensitive tokens. */
export const Method = {
  INVITE: 'INVITE',
  ACK: 'ACK',
  BYE: 'BYE',
  CANCEL: 'CANCEL',
  OPTIONS: 'OPTIONS',
  REGISTER: 'REGISTER',
  PRACK: 'PRACK', // RFC 3262
  UPDATE: 'UPDATE', // RFC 3311
  INFO: 'INFO', // RFC 6086
  MESSAGE: 'MESSAGE', // RFC 3428
  REFER: 'REFER', // RFC 3515
  SUBSCRIBE: 'SUBSCRIBE', // RFC 6665
  NOTIFY: 'NOTIFY', // RFC 6665
  PUBLISH: 'PUBLISH', // RFC 3903
} as const;

export type KnownMethod = (typeof Method)[keyof typeof Method];

/** Methods Tandem implements, as advertised in Allow. */
export const ALLOWED_METHODS: readonly string[] = Object.freeze([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'PRACK',
  'UPDATE',
  'INFO',
  'MESSAGE',
]);
