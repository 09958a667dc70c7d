/**
 * Per-trunk interworking settings: the TypeBox fragment of `TrunkSchema` (defined in src/config/interworking-schema.ts,
 * re-exported here) and the helpers that resolve a trunk's signalling, IAM defaults and call-state profile.
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
import type { IsupDefaults, IsupProfile, Signalling } from '../config/interworking-schema.js';

// The schema fragment lives in config/ (the configuration layer may not import this one); re-exported here so that
// interworking code and its tests keep one import site.
export {
  IsupDefaultsSchema,
  IsupProfileSchema,
  SignallingSchema,
  TrunkInterworkingProperties,
  TrunkInterworkingSchema,
} from '../config/interworking-schema.js';
export type { IsupDefaults, IsupProfile, Signalling, TrunkInterworkingConfig } from '../config/interworking-schema.js';

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

/** A trunk's signalling: its `signalling`, `sip` when absent (TypeBox leaves defaults inside records unfilled). */
export function signallingOf(trunk: { readonly signalling?: Signalling | undefined } | undefined): Signalling {
  return trunk?.signalling ?? 'sip';
}

/** A trunk's IAM defaults: its `isupDefaults` over {@link DEFAULT_ISUP_DEFAULTS}. */
export function isupDefaultsOf(trunk: { readonly isupDefaults?: Partial<IsupDefaults> | undefined } | undefined): IsupDefaults {
  const d = trunk?.isupDefaults;
  if (d === undefined) return DEFAULT_ISUP_DEFAULTS;
  return {
    cpc: d.cpc ?? DEFAULT_ISUP_DEFAULTS.cpc,
    tmr: d.tmr ?? DEFAULT_ISUP_DEFAULTS.tmr,
    ...(d.usi === undefined ? {} : { usi: d.usi }),
    ...(d.countryCode === undefined ? {} : { countryCode: d.countryCode }),
  };
}
