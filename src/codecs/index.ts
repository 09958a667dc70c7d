/**
 * Codecs layer barrel: ISUP (Q.763) and QSIG (Q.931 format) wire codecs, RFC 3204 MIME parameters and the CLI
 * helpers. Depends only on src/errors (STYLE.md P1).
 */
export * from './isup/index.js';
export * from './qsig/index.js';
export { isupDecodeHexToJson, isupEncodeJsonToHex, qsigDecodeHexToJson, qsigEncodeJsonToHex } from './cli.js';
