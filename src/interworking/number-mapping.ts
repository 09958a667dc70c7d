/**
 * Telephone numbers between SIP URIs and ISUP number parameters: E.164 / nature of address ⇄ tel and SIP URIs
 * (RFC 3398 §7.2.1.1 for INVITE → IAM, §8.2.1.1 for IAM → INVITE), the calling number and its presentation from
 * P-Asserted-Identity / From / Privacy, and the calling party's category from the `cpc` URI parameter.
 *
 * Pure functions over parsed URIs (src/sip) and ISUP JSON values (src/codecs); the rules are restated in
 * standards.md §1.4.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.1.1
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-8.2.1.1
 * @packageDocumentation
 */
import type { CallingPartyNumber } from '../codecs/isup/index.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import type { Param, Params } from '../sip/params.js';
import { getParam } from '../sip/params.js';
import { unescapeUser } from '../sip/uri/sip-uri.js';
import { stripVisualSeparators } from '../sip/uri/tel-uri.js';
import type { SipUri, TelUri, Uri } from '../sip/uri/uri-types.js';
import { isSipUri, isTelUri } from '../sip/uri/uri-types.js';

/** Q.763 §3.9 / §3.10 nature of address indicator values Tandem produces or interprets. */
export const NATURE_OF_ADDRESS = {
  subscriber: 1,
  unknown: 2,
  national: 3,
  international: 4,
  networkSpecific: 5,
} as const;

/** Q.763 §3.9 numbering plan ISDN/telephony (E.164): RFC 3398 §7.2.1.1 "NPI always ISDN/E.164". */
export const NUMBERING_PLAN_E164 = 1;

/** Q.763 §3.10 address presentation restricted indicator. */
export const PRESENTATION = { allowed: 0, restricted: 1, notAvailable: 2 } as const;

/** Q.763 §3.10 screening indicator: 1 user provided, verified and passed; 3 network provided. */
export const SCREENING = { userProvidedVerified: 1, networkProvided: 3 } as const;

/** An ISUP address: nature of address and BCD digits (`0`-`9`, `B` = code 11, `C` = code 12). */
export interface IsupAddress {
  readonly natureOfAddress: number;
  readonly digits: string;
}

/** The numbering context of a trunk: its country code (digits, no "+"), when provisioned. */
export interface NumberingContext {
  readonly countryCode?: string | undefined;
}

/** A telephone number read from a URI: the number text (with "+" when global) and its parameters. */
export interface UriTelephoneNumber {
  /** `+4930123456` or a local number such as `030123456`, visual separators removed. */
  readonly number: string;
  /** tel parameters (or those of a SIP URI's telephone-subscriber user part): phone-context, cpc, npdi, rn, … */
  readonly params: Params;
}

/** Outcome of reading an ISUP address from a URI: the address, or the 484 RFC 3398 §7.2.1.1 prescribes. */
export type AddressResult = { readonly ok: true; readonly address: IsupAddress } | { readonly ok: false; readonly status: 484; readonly reason: string };

const GLOBAL_DIGITS = /^[0-9]+$/;
const LOCAL_DIGITS = /^[0-9*#]+$/;
const PHONE_LIKE_USER = /^\+?[0-9*#().-]+$/;

function splitUserParams(user: string): UriTelephoneNumber {
  const semi = user.indexOf(';');
  if (semi < 0) return { number: stripVisualSeparators(user), params: [] };
  const params: Param[] = [];
  for (const raw of user.slice(semi + 1).split(';')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    params.push(eq < 0 ? [raw, null] : [raw.slice(0, eq), raw.slice(eq + 1)]);
  }
  return { number: stripVisualSeparators(user.slice(0, semi)), params };
}

/**
 * The telephone number a URI carries: a tel URI's number (RFC 3966 §3), or a SIP/SIPS URI's user part when it
 * says `user=phone` (RFC 3261 §19.1.1) or looks like a number (digits with an optional leading "+"). `undefined`
 * for `sip:alice@example.com`, host-only URIs and other schemes.
 */
export function telephoneNumberOf(uri: Uri): UriTelephoneNumber | undefined {
  if (isTelUri(uri)) return { number: stripVisualSeparators(uri.number), params: uri.params };
  if (!isSipUri(uri) || uri.user === undefined) return undefined;
  const user = unescapeUser(uri.user);
  const userParam = getParam(uri.params, 'user');
  const isPhone = typeof userParam === 'string' && userParam.toLowerCase() === 'phone';
  const tn = splitUserParams(user);
  if (!isPhone && !PHONE_LIKE_USER.test(user)) return undefined;
  return tn.number === '' || tn.number === '+' ? undefined : tn;
}

/** BCD digits from local-number characters: `*` → code 11 (`B`), `#` → code 12 (`C`) (Q.763 §3.9 address signals). */
function toBcd(digits: string): string {
  return digits.replace(/\*/g, 'B').replace(/#/g, 'C');
}

/** Local-number characters from BCD digits (inverse of {@link toBcd}); a trailing ST (`F`) is dropped. */
function fromBcd(digits: string): string {
  return digits.replace(/F$/, '').replace(/B/g, '*').replace(/C/g, '#');
}

/**
 * The ISUP address of a telephone number text (`+4930123456`, `030123456`) with its tel parameters.
 *
 * RFC 3398 §7.2.1.1 (standards.md §1.4): `+CC…` with the trunk's own country code → nature of address national,
 * country code stripped; any other `+` number → international. A local number whose `phone-context` is a global
 * prefix (`+49-30`, RFC 3966 §5.1.5) is completed to a global number first; any other local number goes out as
 * "unknown" (Q.763 §3.9 code 2) in the trunk's own plan. "A non-international number that cannot be interpreted"
 * → 484 Address Incomplete.
 */
export function addressFromNumber(tn: UriTelephoneNumber, ctx: NumberingContext = {}): AddressResult {
  let text = tn.number;
  if (!text.startsWith('+')) {
    const context = getParam(tn.params, 'phone-context');
    if (typeof context === 'string' && context.startsWith('+')) {
      const prefix = stripVisualSeparators(context);
      if (!GLOBAL_DIGITS.test(prefix.slice(1)) || !GLOBAL_DIGITS.test(text)) {
        return { ok: false, status: 484, reason: `local number ${tn.number} with phone-context ${context} is not a telephone number` };
      }
      text = prefix + text;
    } else {
      if (!LOCAL_DIGITS.test(text)) return { ok: false, status: 484, reason: `local number "${tn.number}" cannot be interpreted` };
      return { ok: true, address: { natureOfAddress: NATURE_OF_ADDRESS.unknown, digits: toBcd(text) } };
    }
  }
  const digits = text.slice(1);
  if (!GLOBAL_DIGITS.test(digits)) return { ok: false, status: 484, reason: `global number "${tn.number}" has non-digit characters` };
  const cc = ctx.countryCode;
  if (cc !== undefined && digits.startsWith(cc) && digits.length > cc.length) {
    return { ok: true, address: { natureOfAddress: NATURE_OF_ADDRESS.national, digits: digits.slice(cc.length) } };
  }
  return { ok: true, address: { natureOfAddress: NATURE_OF_ADDRESS.international, digits } };
}

/**
 * The ISUP address of a URI (Request-URI → called party number, P-Asserted-Identity/From → calling party number),
 * or 484 when the URI carries no usable telephone number (RFC 3398 §7.2.1.1).
 */
export function addressFromUri(uri: Uri, ctx: NumberingContext = {}): AddressResult {
  const tn = telephoneNumberOf(uri);
  if (tn === undefined) return { ok: false, status: 484, reason: 'the URI carries no telephone number' };
  return addressFromNumber(tn, ctx);
}

/** Options of {@link uriFromAddress}. */
export interface UriFromAddressOptions extends NumberingContext {
  /** Write `sip:<number>@host;user=phone` instead of a tel URI. */
  readonly host?: string | undefined;
  /** Extra tel parameters (e.g. `cpc`), written after the number. */
  readonly params?: Params | undefined;
}

/**
 * The URI for an ISUP address, RFC 3398 §8.2.1.1 (standards.md §1.4):
 * - international → `tel:+` digits;
 * - national (significant) → prefix the country code (`+CC` digits) when the trunk has one;
 * - subscriber → a local number with `phone-context=+CC` (the area code is not provisioned, so the country code is
 *   the context);
 * - network-specific, unknown, or national without a country code → digits without "+" (`user=phone` in SIP URIs).
 */
export function uriFromAddress(address: IsupAddress, opts: UriFromAddressOptions = {}): TelUri | SipUri {
  const local = fromBcd(address.digits);
  const extra: Param[] = [...(opts.params ?? [])];
  let number: string;
  const cc = opts.countryCode;
  switch (address.natureOfAddress) {
    case NATURE_OF_ADDRESS.international:
      number = '+' + local;
      break;
    case NATURE_OF_ADDRESS.national:
      number = cc === undefined ? local : `+${cc}${local}`;
      break;
    case NATURE_OF_ADDRESS.subscriber:
      number = local;
      if (cc !== undefined) extra.unshift(['phone-context', `+${cc}`]);
      break;
    default:
      number = local;
  }
  if (opts.host === undefined) return { scheme: 'tel', number, params: extra };
  let user = number.replace(/#/g, '%23');
  for (const [k, v] of extra) user += v === null ? `;${k}` : `;${k}=${v}`;
  return { scheme: 'sip', user, host: opts.host, params: [['user', 'phone']], headers: [] };
}

/**
 * True when the Privacy header asks to withhold the identity: `id` (RFC 3325 §9.3), `header` or `user`
 * (RFC 3323 §4.2). `none` and `session` do not restrict presentation.
 */
export function privacyRestricts(privacy: readonly string[] | undefined): boolean {
  return privacy?.some((p) => ['id', 'header', 'user'].includes(p.trim().toLowerCase())) ?? false;
}

/** True for the RFC 3323 §4.1.1.3 anonymous From (`sip:anonymous@anonymous.invalid`, or user `anonymous`). */
export function isAnonymousUri(uri: Uri): boolean {
  if (!isSipUri(uri)) return false;
  return uri.host.toLowerCase() === 'anonymous.invalid' || uri.user?.toLowerCase() === 'anonymous';
}

/** Where the calling number came from. */
export type CallingSource = 'p-asserted-identity' | 'from' | 'none';

/** The calling party as the IAM carries it. */
export interface CallingIdentity {
  /** The address for the calling party number; absent when no header carries a usable number. */
  readonly address?: IsupAddress;
  /** Q.763 §3.10 APRI: 0 allowed, 1 restricted. */
  readonly presentation: number;
  /** Q.763 §3.10 screening indicator. */
  readonly screening: number;
  readonly source: CallingSource;
  /** The `cpc` parameter of the URI the number came from, when present. */
  readonly cpc?: string;
}

/** Input of {@link callingFromSip}. */
export interface CallingInput {
  readonly pai?: readonly NameAddr[] | undefined;
  readonly from: NameAddr;
  readonly privacy?: readonly string[] | undefined;
}

function firstNumber(list: readonly NameAddr[], ctx: NumberingContext): { address: IsupAddress; uri: Uri } | undefined {
  // RFC 3325 §9.1: at most one sip/sips and one tel value; prefer the tel URI, then a "+" number (Q.1912.5-style:
  // the asserted number must be global, standards.md §1.4), then any number.
  const ordered = [...list].sort((a, b) => rank(a.uri) - rank(b.uri));
  for (const na of ordered) {
    const r = addressFromUri(na.uri, ctx);
    if (r.ok) return { address: r.address, uri: na.uri };
  }
  return undefined;
}

function rank(uri: Uri): number {
  if (isTelUri(uri)) return 0;
  return telephoneNumberOf(uri)?.number.startsWith('+') === true ? 1 : 2;
}

/**
 * The calling party number of the IAM from P-Asserted-Identity, else From (RFC 3398 §7.2.1.1, standards.md §1.4):
 * - the number: the first usable telephone number of P-Asserted-Identity (RFC 3325), else of From; none (an
 *   anonymous or non-numeric From) → no calling party number;
 * - presentation: "restricted" when Privacy holds `id`/`header`/`user` (RFC 3323 §4.2, RFC 3325 §9.3; OpenSIPS sip_i
 *   does the same), or when From is the RFC 3323 anonymous URI and Privacy is not `none`; otherwise "allowed";
 * - screening: "network provided" (RFC 3398 §7.2.1.1: "SI = network provided"); screening is not translated from SIP.
 */
export function callingFromSip(input: CallingInput, ctx: NumberingContext = {}): CallingIdentity {
  const privacy = input.privacy;
  const saysNone = privacy?.some((p) => p.trim().toLowerCase() === 'none') ?? false;
  const restricted = privacyRestricts(privacy) || (!saysNone && isAnonymousUri(input.from.uri));
  const presentation = restricted ? PRESENTATION.restricted : PRESENTATION.allowed;
  const screening = SCREENING.networkProvided;
  const fromPai = input.pai === undefined ? undefined : firstNumber(input.pai, ctx);
  const found = fromPai ?? (isAnonymousUri(input.from.uri) ? undefined : firstNumber([input.from], ctx));
  if (found === undefined) return { presentation, screening, source: 'none' };
  const source: CallingSource = fromPai !== undefined ? 'p-asserted-identity' : 'from';
  const cpc = cpcOfUri(found.uri);
  return cpc === undefined ? { address: found.address, presentation, screening, source } : { address: found.address, presentation, screening, source, cpc };
}

/** The SIP identity of an ISUP calling party (IAM → INVITE). */
export interface SipCallingIdentity {
  /** The From URI: the number, the anonymous URI, or the gateway's host-only URI. */
  readonly from: Uri;
  readonly fromDisplayName?: string;
  /** P-Asserted-Identity: the number, when the network provided or verified it. */
  readonly pai?: Uri;
  /** Privacy values to send (`id` when presentation is restricted). */
  readonly privacy?: readonly string[];
}

/**
 * From / P-Asserted-Identity / Privacy for an IAM's calling party number, RFC 3398 §8.2.1.1 (standards.md §1.4):
 * - no calling party number, or APRI "address not available" → From is a host-only SIP URI of the gateway;
 * - APRI "presentation restricted" → `From: "Anonymous" <sip:anonymous@anonymous.invalid>`, and (RFC 3325 §9.3) the
 *   number in P-Asserted-Identity with `Privacy: id` for trusted peers (the header policy removes it for others);
 * - otherwise the number URI in From, and in P-Asserted-Identity when screened (verified or network provided).
 */
export function sipIdentityFromCalling(cgpn: CallingPartyNumber | undefined, gatewayHost: string, opts: UriFromAddressOptions = {}): SipCallingIdentity {
  if (cgpn === undefined || cgpn.presentation === PRESENTATION.notAvailable || cgpn.digits === '') {
    return { from: { scheme: 'sip', host: gatewayHost, params: [], headers: [] } };
  }
  const uri = uriFromAddress(cgpn, opts);
  const asserted = cgpn.screening === SCREENING.networkProvided || cgpn.screening === SCREENING.userProvidedVerified;
  if (cgpn.presentation === PRESENTATION.restricted) {
    const anonymous: SipUri = { scheme: 'sip', user: 'anonymous', host: 'anonymous.invalid', params: [], headers: [] };
    return asserted ? { from: anonymous, fromDisplayName: 'Anonymous', pai: uri, privacy: ['id'] } : { from: anonymous, fromDisplayName: 'Anonymous' };
  }
  return asserted ? { from: uri, pai: uri } : { from: uri };
}

/**
 * `cpc` URI parameter values → Q.763 §3.11 calling party's category. The `cpc` tel URI parameter is defined by
 * draft-mahy-iptel-cpc and 3GPP TS 24.229 §7.2A.12 (not by an RFC). [INF] Mapping by meaning, not a normative
 * table: operator values are language-specific in Q.763 (1-5) and stay unmapped (the trunk default applies).
 */
export const CPC_TO_CATEGORY: Readonly<Record<string, number>> = Object.freeze({
  unknown: 0,
  ordinary: 10,
  priority: 11,
  data: 12,
  test: 13,
  payphone: 15,
  'mobile-hplmn': 16,
  'mobile-vplmn': 17,
  cellular: 16,
  'cellular-roaming': 17,
});

/** Q.763 §3.11 calling party's category → `cpc` value (inverse of {@link CPC_TO_CATEGORY}; operators 1-5 → `operator`). */
export function cpcFromCategory(category: number): string | undefined {
  if (category >= 1 && category <= 5) return 'operator';
  switch (category) {
    case 0:
      return 'unknown';
    case 10:
      return 'ordinary';
    case 11:
      return 'priority';
    case 12:
      return 'data';
    case 13:
      return 'test';
    case 15:
      return 'payphone';
    case 16:
      return 'mobile-hplmn';
    case 17:
      return 'mobile-vplmn';
    default:
      return undefined;
  }
}

/** The calling party's category for a `cpc` value (case-insensitive), or `undefined` when it has no mapping. */
export function categoryFromCpc(cpc: string | undefined): number | undefined {
  if (cpc === undefined) return undefined;
  const key = cpc.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(CPC_TO_CATEGORY, key) ? CPC_TO_CATEGORY[key] : undefined;
}

/** The `cpc` parameter of a tel URI, or of the telephone-subscriber user part of a SIP URI (`sip:+49…;cpc=test@h`). */
export function cpcOfUri(uri: Uri): string | undefined {
  const tn = telephoneNumberOf(uri);
  const v = tn === undefined ? undefined : getParam(tn.params, 'cpc');
  return typeof v === 'string' && v !== '' ? v : undefined;
}
