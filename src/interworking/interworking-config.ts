/**
 * Per-trunk interworking settings: a TypeBox fragment for the lead to merge into `TrunkSchema` (src/config/schema.ts),
 * plus the resolved, defaults-applied shape the interworking functions take.
 *
 * ```yaml
 * trunks:
 *   pstn-a:
 *     signalling: sip-i          # sip (default) | sip-i | sip-t | qsig
 *     isupDefaults: { cpc: 10, tmr: 3, usi: "8090a3", countryCode: "49" }
 *     isupProfile: q1912.5       # optional; default from causeProfile (q1912.5 → q1912.5, else rfc3398)
 * ```
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.1.1 (IAM defaults "must be provisioned")
 * @packageDocumentation
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/** What a trunk speaks: plain SIP, SIP-I (Q.1912.5), SIP-T (RFC 3372) or SIP with QSIG bodies (RFC 4497). */
export const SignallingSchema = Type.Union([Type.Literal('sip'), Type.Literal('sip-i'), Type.Literal('sip-t'), Type.Literal('qsig')], {
  default: 'sip',
});

/** A trunk's signalling kind. */
export type Signalling = Static<typeof SignallingSchema>;

/**
 * IAM parameters that cannot be derived from an INVITE. RFC 3398 §7.2.1.1: defaults for what cannot be derived
 * (NCI, TMR, FCI, CPC) must be provisioned (standards.md §1.4).
 */
export const IsupDefaultsSchema = Type.Object(
  {
    /** Calling party's category when the INVITE has no `cpc` (Q.763 §3.11: 10 = ordinary calling subscriber). */
    cpc: Type.Integer({ minimum: 0, maximum: 255, default: 10 }),
    /** Transmission medium requirement (Q.763 §3.54: 0 speech, 2 64 kbit/s unrestricted, 3 3.1 kHz audio). */
    tmr: Type.Integer({ minimum: 0, maximum: 255, default: 3 }),
    /** User service information octets (Q.763 §3.57, Q.931 bearer capability from octet 3) as hex, e.g. "8090a3". */
    usi: Type.Optional(Type.String({ pattern: '^([0-9a-fA-F]{2}){2,}$' })),
    /**
     * The trunk's country code (digits, no "+"): `+CC…` numbers with this code go out with nature of address
     * "national" (RFC 3398 §7.2.1.1 NoA rules); without it every `+` number is "international".
     */
    countryCode: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  },
  { additionalProperties: false, default: {} },
);

/** Provisioned IAM defaults of a trunk. */
export type IsupDefaults = Static<typeof IsupDefaultsSchema>;

/** Which ISUP⇄SIP call-state rules apply: RFC 3398 (default) or ITU-T Q.1912.5 (SIP-I). */
export const IsupProfileSchema = Type.Union([Type.Literal('rfc3398'), Type.Literal('q1912.5')]);

/** An interworking profile name. */
export type IsupProfile = Static<typeof IsupProfileSchema>;

/**
 * The properties to spread into `TrunkSchema` (`Type.Object({ ...existing, ...TrunkInterworkingProperties })`).
 * `signalling` has a default, so a trunk without it is plain SIP.
 */
export const TrunkInterworkingProperties = {
  /** What the trunk speaks (default `sip`). */
  signalling: Type.Optional(SignallingSchema),
  /** IAM defaults toward a SIP-I/SIP-T trunk (ignored for `sip` and `qsig`). */
  isupDefaults: Type.Optional(IsupDefaultsSchema),
  /** Call-state profile; absent = derived from `causeProfile` ({@link isupProfileFor}). */
  isupProfile: Type.Optional(IsupProfileSchema),
} as const;

/** The same properties as a standalone object schema (for validating the fragment on its own, e.g. in tests). */
export const TrunkInterworkingSchema = Type.Object(TrunkInterworkingProperties);

/** The interworking part of one trunk's configuration (as validated; every field optional). */
export type TrunkInterworkingConfig = Static<typeof TrunkInterworkingSchema>;

/** The built-in IAM defaults: ordinary subscriber, 3.1 kHz audio (the OpenSIPS sip_i defaults, standards.md §1.4). */
export const DEFAULT_ISUP_DEFAULTS: Readonly<IsupDefaults> = Object.freeze({ cpc: 10, tmr: 3 });

/** True when a trunk carries ISUP bodies (SIP-I or SIP-T). */
export function carriesIsup(signalling: Signalling | undefined): boolean {
  return signalling === 'sip-i' || signalling === 'sip-t';
}

/**
 * The call-state profile of a trunk: its explicit `isupProfile`, else `q1912.5` when its cause profile is
 * `q1912.5` (or a name starting with `q1912`), else `rfc3398`.
 */
export function isupProfileFor(trunk: { readonly isupProfile?: IsupProfile | undefined; readonly causeProfile?: string | undefined }): IsupProfile {
  if (trunk.isupProfile !== undefined) return trunk.isupProfile;
  return trunk.causeProfile !== undefined && trunk.causeProfile.toLowerCase().startsWith('q1912') ? 'q1912.5' : 'rfc3398';
}
