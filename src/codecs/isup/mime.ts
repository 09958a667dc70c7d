/**
 * Content-Type parameters of the RFC 3204 signalling bodies: `application/ISUP` (§3.1: `version` required,
 * optional `base` from the table below) and `application/QSIG` (§3.2: optional `version`, registered `iso`).
 * Pure functions over header values; no SIP message types. The bodies themselves are binary (no base64).
 */

/**
 * RFC 3204 §3.1 `base` values: the protocol variant and whether it supports the ITU-T 1992 forward
 * compatibility mechanism (`compat`).
 */
export const ISUP_BASES = {
  'itu-t88': { protocol: 'ITU-T Q.761-4 (1988)', compat: false },
  'itu-t92+': { protocol: 'ITU-T Q.761-4 (1992)', compat: true },
  ansi88: { protocol: 'ANSI T1.113-1988', compat: false },
  ansi00: { protocol: 'ANSI T1.113-2000', compat: true },
  etsi121: { protocol: 'ETS 300 121', compat: false },
  etsi356: { protocol: 'ES 300 356', compat: true },
  gr317: { protocol: 'Bellcore GR-317', compat: false },
  ttc87: { protocol: 'JT-Q761-4 (1987-1992)', compat: false },
  'ttc93+': { protocol: 'JT-Q761-4 (1993-)', compat: true },
} as const;

/** A registered RFC 3204 `base` value. */
export type IsupBase = keyof typeof ISUP_BASES;

/** The parameter model of an application/ISUP or application/QSIG Content-Type. */
export interface SignalContentType {
  /** Upper-case protocol: the media subtype. */
  protocol: 'ISUP' | 'QSIG';
  /** `version` parameter, when present (RFC 3204 makes it required for ISUP; parsing tolerates its absence). */
  version?: string;
  /** `base` parameter, when present (ISUP only in RFC 3204). */
  base?: string;
  /** Every other parameter, lower-case name → unquoted value, in order. */
  other: Record<string, string>;
}

/**
 * What Tandem sends for ISUP: `version=itu-t92+` (the SIP-I practice, e.g. OpenSIPS' default) plus
 * `base=itu-t92+` (the RFC 3204 base table value for ITU-T 1992+).
 */
export const DEFAULT_ISUP_CONTENT_TYPE: Readonly<SignalContentType> = Object.freeze({
  protocol: 'ISUP',
  version: 'itu-t92+',
  base: 'itu-t92+',
  other: Object.freeze({}) as Record<string, string>,
});

/** What Tandem sends for QSIG: `version=iso` (RFC 3204 §3.2: ISO/IEC 11572 + 11582, the registered value). */
export const DEFAULT_QSIG_CONTENT_TYPE: Readonly<SignalContentType> = Object.freeze({
  protocol: 'QSIG',
  version: 'iso',
  other: Object.freeze({}) as Record<string, string>,
});

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function splitParameters(text: string): string[] {
  // Split on ';' outside double quotes.
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1]!;
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}

/**
 * Parses a Content-Type value (`application/ISUP; version=itu-t92+; base=itu-t92+`). The media type and
 * parameter names are case-insensitive (RFC 2045 §5.1); values keep their case. Returns `undefined` for any
 * other media type; parameters without `=` are ignored.
 */
export function parseSignalContentType(value: string): SignalContentType | undefined {
  const [media = '', ...params] = splitParameters(value);
  const m = /^\s*application\s*\/\s*(isup|qsig)\s*$/i.exec(media);
  if (m === null) return undefined;
  const out: SignalContentType = { protocol: m[1]!.toUpperCase() as 'ISUP' | 'QSIG', other: {} };
  for (const raw of params) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const name = raw.slice(0, eq).trim().toLowerCase();
    const v = unquote(raw.slice(eq + 1).trim());
    if (name === '') continue;
    if (name === 'version') out.version = v;
    else if (name === 'base') out.base = v;
    else out.other[name] = v;
  }
  return out;
}

function formatValue(v: string): string {
  return TOKEN.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** Formats the Content-Type value: `application/ISUP;version=itu-t92+;base=itu-t92+` (no spaces, RFC 3204 §3 style). */
export function formatSignalContentType(ct: SignalContentType): string {
  let s = `application/${ct.protocol}`;
  if (ct.version !== undefined) s += `;version=${formatValue(ct.version)}`;
  if (ct.base !== undefined) s += `;base=${formatValue(ct.base)}`;
  for (const [k, v] of Object.entries(ct.other)) s += `;${k}=${formatValue(v)}`;
  return s;
}

/** True when `base` is in the RFC 3204 table and supports the ITU-T 1992 compatibility mechanism. */
export function isCompatibleBase(base: string | undefined): boolean {
  if (base === undefined) return false;
  const key = base.toLowerCase();
  return Object.prototype.hasOwnProperty.call(ISUP_BASES, key) && ISUP_BASES[key as IsupBase].compat;
}
