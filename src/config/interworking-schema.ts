/**
 * The per-trunk interworking settings (SIP-I / SIP-T / QSIG bodies, issue 5), part of the configuration schema
 * (STYLE.md P12). They live in config/ because the configuration layer may not import interworking/ (layers point
 * down); `interworking/interworking-config.ts` re-exports them beside the helpers that read them.
 *
 * ```yaml
 * trunks:
 *   pstn-a:
 *     signalling: sip-i          # sip (default) | sip-i | sip-t | qsig
 *     isupDefaults: { cpc: 10, tmr: 3, usi: "8090a3", countryCode: "49" }
 *     isupProfile: q1912.5       # optional; default from causeProfile (q1912.5 → q1912.5, else rfc3398)
 * ```
 *
 * TypeBox fills no defaults inside the values of the `trunks` record: readers treat an absent `signalling` as `sip`
 * and merge `isupDefaults` over the built-in defaults (`interworking-config.ts`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398#section-7.2.1.1 (IAM defaults "must be provisioned")
 * @see https://www.rfc-editor.org/rfc/rfc3372
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
 * The properties spread into `TrunkSchema` (src/config/schema.ts). `signalling` has a default, so a trunk without it
 * is plain SIP.
 */
export const TrunkInterworkingProperties = {
  /** What the trunk speaks (default `sip`). */
  signalling: Type.Optional(SignallingSchema),
  /** IAM defaults toward a SIP-I/SIP-T trunk (ignored for `sip` and `qsig`). */
  isupDefaults: Type.Optional(IsupDefaultsSchema),
  /** Call-state profile; absent = derived from `causeProfile` (`isupProfileFor` in interworking/). */
  isupProfile: Type.Optional(IsupProfileSchema),
} as const;

/** The same properties as a standalone object schema (for validating the fragment on its own, e.g. in tests). */
export const TrunkInterworkingSchema = Type.Object(TrunkInterworkingProperties);

/** The interworking part of one trunk's configuration (as validated; every field optional). */
export type TrunkInterworkingConfig = Static<typeof TrunkInterworkingSchema>;
