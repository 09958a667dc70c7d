/**
 * Schemas of the mapping data files (STYLE.md P12/P13): one TypeBox schema per file kind, which is also the JSON
 * Schema shipped in mappings/schema/ (a test keeps the two identical). `errorMessage` is our own keyword: the loader
 * prints it instead of TypeBox's generic text.
 *
 * @packageDocumentation
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { LOCATION_TOKENS } from './q850-causes.js';

/** The internal events whose status and cause come from the profile (Tandem's own refusals). */
export const INTERNAL_EVENTS = [
  'no-route',
  'all-trunks-busy',
  'all-trunks-down',
  'admission-limit',
  'transaction-timeout',
  'session-timer-expiry',
  'media-auth-failed',
  'shutdown',
  'loop-detected',
  'too-many-hops',
] as const;

/** A Tandem-internal failure event. */
export type InternalEvent = (typeof INTERNAL_EVENTS)[number];

/** SIP requests that release a call without a status (RFC 3398 §7.2.3). */
export const RELEASE_METHODS = ['BYE', 'CANCEL'] as const;
/** BYE or CANCEL. */
export type ReleaseMethod = (typeof RELEASE_METHODS)[number];

/** Status classes that have a default row in sip-to-q850. */
export const STATUS_CLASSES = ['3xx', '4xx', '5xx', '6xx'] as const;
/** '3xx' … '6xx'. */
export type StatusClass = (typeof STATUS_CLASSES)[number];

const Source = Type.String({
  minLength: 1,
  description: 'Provenance: RFC/ITU-T document and section, or an operator note',
  errorMessage: 'expected a non-empty source (RFC and section, or an operator note)',
});
const Note = Type.String({ description: 'Free-text remark for readers' });
const Verified = Type.Boolean({
  description: 'false when only one source (or none) confirms the row; default true',
  errorMessage: 'expected true or false',
});
const Status = Type.Integer({ minimum: 300, maximum: 699, errorMessage: 'expected a SIP status 300-699' });
const Cause = Type.Integer({ minimum: 1, maximum: 127, errorMessage: 'expected a Q.850 cause value 1-127' });
const Location = Type.String({
  description: `RFC 8606 location token: ${LOCATION_TOKENS.join(', ')}`,
  enum: [...LOCATION_TOKENS],
  errorMessage: 'expected an RFC 8606 location token',
});
const CauseOrNone = Type.Union([Cause, Type.Literal('none')], {
  errorMessage: 'expected a Q.850 cause value 1-127 or "none"',
});
const StatusOrNone = Type.Union([Status, Type.Literal('none')], {
  errorMessage: 'expected a SIP status 300-699 or "none"',
});
const ProfileName = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  maxLength: 64,
  errorMessage: 'expected a profile name (lower-case letters, digits, ".", "_" or "-")',
});

const strict = { additionalProperties: false } as const;

const SipRow = Type.Object(
  {
    status: Status,
    cause: CauseOrNone,
    location: Type.Optional(Location),
    'by-warning': Type.Optional(
      Type.Record(Type.String({ pattern: '^[0-9]{3}$' }), Cause, {
        ...strict,
        description: 'Warning code (RFC 3261 §20.43) -> cause used instead when the response carries it',
      }),
    ),
    verified: Type.Optional(Verified),
    note: Type.Optional(Note),
    source: Source,
  },
  strict,
);

const ClassDefault = Type.Object(
  { cause: Cause, location: Type.Optional(Location), verified: Type.Optional(Verified), note: Type.Optional(Note), source: Source },
  strict,
);

// Keys are checked by the loader (one message naming the allowed tokens); `propertyNames` serves editors.
const ByLocation = Type.Record(Type.String(), Status, {
  propertyNames: { enum: [...LOCATION_TOKENS] },
  description: 'location token -> status used instead when the cause carries that location',
});

const CauseRow = Type.Object(
  {
    cause: Cause,
    status: StatusOrNone,
    'by-location': Type.Optional(ByLocation),
    'with-diagnostic': Type.Optional(Status),
    'reason-phrase': Type.Optional(Type.String({ minLength: 1 })),
    verified: Type.Optional(Verified),
    note: Type.Optional(Note),
    source: Source,
  },
  strict,
);

const StatusDefault = Type.Object(
  { status: Status, verified: Type.Optional(Verified), note: Type.Optional(Note), source: Source },
  strict,
);

const RequestRow = Type.Object(
  { cause: Cause, location: Type.Optional(Location), verified: Type.Optional(Verified), note: Type.Optional(Note), source: Source },
  strict,
);

const InternalRow = Type.Object(
  { status: Status, cause: Cause, location: Type.Optional(Location), note: Type.Optional(Note), source: Source },
  strict,
);

const StatusRef = Type.Object({ status: Status, note: Type.Optional(Note), source: Source }, strict);
const CauseRef = Type.Object({ cause: Cause, note: Type.Optional(Note), source: Source }, strict);

/** Schema of a profile file (mappings/profiles/*.yaml and operators' custom profiles). */
export const ProfileFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    profile: Type.Object(
      {
        name: ProfileName,
        description: Type.String({ minLength: 1, errorMessage: 'expected a non-empty description' }),
        base: Type.Optional(ProfileName),
        immutable: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
      },
      strict,
    ),
    'sip-to-q850': Type.Optional(
      Type.Object(
        {
          defaults: Type.Optional(
            Type.Object(Object.fromEntries(STATUS_CLASSES.map((c) => [c, Type.Optional(ClassDefault)])), strict),
          ),
          rows: Type.Optional(Type.Array(SipRow)),
          remove: Type.Optional(Type.Array(StatusRef)),
        },
        strict,
      ),
    ),
    'q850-to-sip': Type.Optional(
      Type.Object(
        {
          default: Type.Optional(StatusDefault),
          rows: Type.Optional(Type.Array(CauseRow)),
          remove: Type.Optional(Type.Array(CauseRef)),
        },
        strict,
      ),
    ),
    requests: Type.Optional(
      Type.Object(Object.fromEntries(RELEASE_METHODS.map((m) => [m, Type.Optional(RequestRow)])), strict),
    ),
    'hunt-stop': Type.Optional(
      Type.Object(
        {
          statuses: Type.Optional(Type.Array(StatusRef)),
          causes: Type.Optional(Type.Array(CauseRef)),
          'remove-statuses': Type.Optional(Type.Array(StatusRef)),
          'remove-causes': Type.Optional(Type.Array(CauseRef)),
        },
        strict,
      ),
    ),
    internal: Type.Optional(
      Type.Object(Object.fromEntries(INTERNAL_EVENTS.map((e) => [e, Type.Optional(InternalRow)])), strict),
    ),
  },
  {
    ...strict,
    $id: 'https://tandem.invalid/mappings/schema/profile.schema.json',
    title: 'Tandem cause-mapping profile',
  },
);

/** Schema of mappings/q850-causes.yaml. */
export const CausesFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    classes: Type.Array(
      Type.Object(
        { class: Type.Integer({ minimum: 0, maximum: 7, errorMessage: 'expected a cause class 0-7' }), name: Type.String({ minLength: 1 }), source: Source },
        strict,
      ),
    ),
    causes: Type.Array(
      Type.Object({ cause: Cause, name: Type.String({ minLength: 1 }), note: Type.Optional(Note), source: Source }, strict),
    ),
  },
  { ...strict, $id: 'https://tandem.invalid/mappings/schema/q850-causes.schema.json', title: 'Tandem Q.850 cause names' },
);

/** A profile file as written (before base resolution). */
export type ProfileFile = Static<typeof ProfileFileSchema>;
/** The Q.850 causes file as written. */
export type CausesFile = Static<typeof CausesFileSchema>;

/** The JSON Schema text of a schema, as stored in mappings/schema/ (2-space indent, trailing newline). */
export function jsonSchemaText(schema: TSchema): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, 2)}\n`;
}
