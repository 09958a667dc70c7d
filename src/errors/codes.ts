/**
 * Stable error codes (STYLE.md P9). A code never changes meaning once released; add new ones at the end of
 * their group. Codes are what logs, metrics and tests match on — never messages.
 */
export const ErrorCode = {
  // programmer errors
  InvalidState: 'TANDEM_ERR_INVALID_STATE',
  InvalidArgument: 'TANDEM_ERR_INVALID_ARGUMENT',
  // SIP wire format
  SipParse: 'TANDEM_ERR_SIP_PARSE',
  SipLimit: 'TANDEM_ERR_SIP_LIMIT',
  SipHeader: 'TANDEM_ERR_SIP_HEADER',
  SipUri: 'TANDEM_ERR_SIP_URI',
  SipBody: 'TANDEM_ERR_SIP_BODY',
  SipFraming: 'TANDEM_ERR_SIP_FRAMING',
  // transport and transactions
  Transport: 'TANDEM_ERR_TRANSPORT',
  TransportClosed: 'TANDEM_ERR_TRANSPORT_CLOSED',
  Resolve: 'TANDEM_ERR_RESOLVE',
  TransactionTimeout: 'TANDEM_ERR_TX_TIMEOUT',
  // configuration and data tables
  ConfigInvalid: 'TANDEM_ERR_CONFIG_INVALID',
  MappingInvalid: 'TANDEM_ERR_MAPPING_INVALID',
  MappingLookup: 'TANDEM_ERR_MAPPING_LOOKUP',
  // codecs
  IsupDecode: 'TANDEM_ERR_ISUP_DECODE',
  IsupEncode: 'TANDEM_ERR_ISUP_ENCODE',
  QsigDecode: 'TANDEM_ERR_QSIG_DECODE',
  QsigEncode: 'TANDEM_ERR_QSIG_ENCODE',
  // calls
  SipFailure: 'TANDEM_ERR_SIP_FAILURE',
  MediaAuth: 'TANDEM_ERR_MEDIA_AUTH',
  // CDRs
  RedisUnavailable: 'TANDEM_ERR_REDIS_UNAVAILABLE',
  CdrSpool: 'TANDEM_ERR_CDR_SPOOL',
  CdrExport: 'TANDEM_ERR_CDR_EXPORT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
