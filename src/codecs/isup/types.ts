import type { ISUP_MESSAGE_LAYOUTS } from './message-layouts.js';
import type { IsupMessageName } from './message-types.js';
import type { IsupParameterName, IsupParameterTypes } from './params/registry.js';

/** A modelled optional parameter: its camelCase name and its JSON value. */
export type KnownOptionalParameter = {
  [K in IsupParameterName]: { name: K; value: IsupParameterTypes[K] };
}[IsupParameterName];

/**
 * An optional parameter kept as octets: a code the codec does not model, or a modelled code whose contents do
 * not fit the model (Q.764 §2.9.5 leaves those to the compatibility procedure). Re-encoded unchanged, in place.
 */
export interface UnknownOptionalParameter {
  name: 'unknown';
  /** Parameter name code 1-255 (Q.763 Table 5). */
  code: number;
  /** Parameter contents (without name and length octets) as lower-case hex. */
  hex: string;
}

/** One entry of the optional part, in wire order. */
export type OptionalParameter = KnownOptionalParameter | UnknownOptionalParameter;

type Layout<K extends IsupMessageName> = (typeof ISUP_MESSAGE_LAYOUTS)[K];
type MandatoryName<K extends IsupMessageName> = Layout<K>['fixed'][number] | Layout<K>['variable'][number];

/**
 * One ISUP message in JSON form: `message` names it, every mandatory parameter is a property by name, and
 * `optional` lists the optional part in wire order. `optional` absent = no optional part (pointer 0, the
 * canonical form); `optional: []` = a pointer to a lone end-of-optional-parameters octet (kept so that such
 * messages re-encode byte-identically).
 */
export type IsupMessageOf<K extends IsupMessageName> = { message: K } & { [P in MandatoryName<K>]: IsupParameterTypes[P] } & {
  optional?: OptionalParameter[];
};

/** Any supported ISUP message (discriminated by `message`). */
export type IsupMessage = { [K in IsupMessageName]: IsupMessageOf<K> }[IsupMessageName];
