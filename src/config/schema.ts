/**
 * The configuration schema (STYLE.md P12): one TypeBox (JSON Schema) schema with its defaults inline. Validated
 * once at start-up (load.ts) with every error reported, then deep-frozen and passed down by injection.
 * Later issues extend this shape; they keep what is here.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { CdrConfigSchema } from './cdr-schema.js';
import { TrunkInterworkingProperties } from './interworking-schema.js';
import { MediaAuthorizationSchema } from './media-auth-schema.js';
import { SessionTimerSchema } from './session-timer-schema.js';

const Seconds = (def: number, min = 0) => Type.Integer({ minimum: min, default: def });

export const TrunkSchema = Type.Object(
  {
    /** Source addresses (CIDR or single address) allowed to send requests on this trunk. */
    from: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    /** Where calls toward this trunk go: a SIP URI (host must be numeric or resolvable). */
    to: Type.Optional(Type.String({ minLength: 1 })),
    /** Trusted peers receive P-Asserted-Identity and Privacy (RFC 3325 §2.3). */
    trusted: Type.Optional(Type.Boolean({ default: false })),
    /** Free text for operators. */
    description: Type.Optional(Type.String()),
    /** Cause-mapping profile (mappings/) used for this trunk's statuses and causes. */
    causeProfile: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * Toward a caller on this trunk, rewrite the failure status from the Q.850 cause with this trunk's profile
     * (cause → status) instead of relaying the callee's status with a Reason added.
     */
    rewriteStatusFromCause: Type.Optional(Type.Boolean()),
    /** Extra header names allowed to cross toward this trunk (besides the default policy). */
    passHeaders: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9!%*_+`\'~.-]+$' }))),
    /** Concurrent calls on this trunk (in and out); omitted = no per-trunk limit. */
    maxCalls: Type.Optional(Type.Integer({ minimum: 0 })),
    /** New calls per second on this trunk; omitted = no per-trunk limit. */
    callsPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** OPTIONS pings toward a `to` trunk (default true); a trunk that stops answering is skipped by routing. */
    ping: Type.Optional(Type.Boolean()),
    /**
     * SIP-I / SIP-T / QSIG bodies (issue 5): `signalling: sip | sip-i | sip-t | qsig` (default sip), `isupDefaults`
     * (cpc, tmr, usi, countryCode: what an IAM built from an INVITE cannot derive, RFC 3398 §7.2.1.1) and
     * `isupProfile` (rfc3398 | q1912.5; default from causeProfile). Fragment: config/interworking-schema.ts.
     */
    ...TrunkInterworkingProperties,
    /**
     * RFC 4028 session timers on this trunk's legs: `{ expires, minSE, refresh, defaultRefresher }` (each defaulted:
     * 1800 s, 90 s, auto, uas) or `off`. Omitted: on with the defaults.
     */
    sessionTimer: Type.Optional(SessionTimerSchema),
    /**
     * RFC 3313 P-Media-Authorization tokens (format: src/policy/README.md). `require`: INVITEs (and offers inside the
     * dialog) from this trunk need a valid token (else 403 with a Warning saying why); `issue`: Tandem puts a fresh
     * token in the INVITE toward this trunk and in 18x/2xx toward a caller on it. Default off.
     */
    mediaAuthorization: Type.Optional(MediaAuthorizationSchema),
  },
  { additionalProperties: false },
);

export const RouteSchema = Type.Object(
  {
    /** Digits the called number starts with; "" matches every number. The longest match wins. */
    prefix: Type.String({ pattern: '^[0-9+*#A-Za-z]*$' }),
    /** Trunks tried in order. */
    trunks: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const SipSchema = Type.Object(
  {
    /** RFC 3261 §17.1.1.1 T1 (RTT estimate), ms. */
    t1: Type.Integer({ minimum: 50, maximum: 10_000, default: 500 }),
    /** RFC 3261 T2 (retransmit cap), ms. */
    t2: Type.Integer({ minimum: 500, maximum: 64_000, default: 4_000 }),
    /** RFC 3261 T4 (max time a message lingers in the network), ms. */
    t4: Type.Integer({ minimum: 500, maximum: 64_000, default: 5_000 }),
    /** Largest message accepted, bytes (RFC 3261 §18.1.1: 65,535 on UDP). */
    maxMessageSize: Type.Integer({ minimum: 1_024, maximum: 1_048_576, default: 65_536 }),
    /** Most header lines in one message. */
    maxHeaders: Type.Integer({ minimum: 16, maximum: 4_096, default: 256 }),
    /** Longest header line, characters. */
    maxHeaderLength: Type.Integer({ minimum: 256, maximum: 262_144, default: 16_384 }),
    /** Longest Request-URI, characters (longer → 414). */
    maxUriLength: Type.Integer({ minimum: 128, maximum: 65_536, default: 4_096 }),
    /** TCP/TLS connections idle this long are closed, seconds. */
    tcpIdleTimeout: Seconds(300, 1),
    /** Most open TCP/TLS connections. */
    maxConnections: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
    /** Value of User-Agent / Server on what Tandem originates (topology hiding: no version by default). */
    userAgent: Type.String({ default: 'Tandem' }),
  },
  { additionalProperties: false, default: {} },
);

export const LimitsSchema = Type.Object(
  {
    /** Concurrent calls in Tandem as a whole. */
    maxCalls: Type.Integer({ minimum: 0, default: 50_000 }),
    /** New calls per second in Tandem as a whole. */
    callsPerSecond: Type.Number({ exclusiveMinimum: 0, default: 5_000 }),
    /** Retry-After (seconds) on a 503 for an admission limit. */
    retryAfter: Type.Integer({ minimum: 0, default: 5 }),
    /**
     * Overload: new calls are refused (503, Retry-After) while received datagrams wait this long in a UDP socket
     * before they are handled (measured by a probe while input is backlogged), ms; 0 turns the check off. It must
     * sit below what the socket's buffer holds in time, or the kernel drops before the wait gets there: the 8 MiB
     * Linux gives for the 4 MiB asked hold about 3,600 small datagrams, 130 ms at 4,000 calls/s. 100 ms is above a
     * GC pause and, at this machine's ceiling, below that.
     */
    maxInputDelay: Type.Integer({ minimum: 0, maximum: 60_000, default: 100 }),
  },
  { additionalProperties: false, default: {} },
);

export const RoutingSchema = Type.Object(
  {
    /** Final statuses from a trunk that make routing try the route's next trunk (timeouts and transport failures always do). */
    advanceOn: Type.Array(Type.Integer({ minimum: 300, maximum: 699 }), { default: [503] }),
    /** RFC 3261 §16.6 Timer C for an outbound INVITE that rings without answer, seconds (≥ 180 per the RFC's advice). */
    timerC: Type.Integer({ minimum: 1, maximum: 3_600, default: 180 }),
    /** Seconds between OPTIONS pings toward `to` trunks; 0 turns pinging off. */
    optionsInterval: Type.Integer({ minimum: 0, default: 30 }),
    /** Consecutive unanswered pings after which a trunk is considered down. */
    optionsFailures: Type.Integer({ minimum: 1, default: 2 }),
  },
  { additionalProperties: false, default: {} },
);

export const AdminSchema = Type.Object(
  {
    /** HOST:PORT of the admin HTTP listener (/healthz, /calls, /metrics, POST /mappings/reload); "off" disables it. */
    listen: Type.String({ default: '127.0.0.1:8060' }),
  },
  { additionalProperties: false, default: {} },
);

export const ShutdownSchema = Type.Object(
  {
    /** On SIGTERM, seconds calls in progress may go on before Tandem sends BYE on what is left. */
    drainSeconds: Type.Integer({ minimum: 0, default: 30 }),
  },
  { additionalProperties: false, default: {} },
);

export const TlsSchema = Type.Object(
  {
    /** PEM certificate chain file. */
    cert: Type.String({ minLength: 1 }),
    /** PEM private key file. */
    key: Type.String({ minLength: 1 }),
    /** PEM CA bundle used to verify peers. */
    ca: Type.Optional(Type.String({ minLength: 1 })),
    /** Verify the peer's certificate on outgoing connections. */
    verifyPeer: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    /** Listening sockets: udp://HOST:PORT, tcp://HOST:PORT, tls://HOST:PORT (IPv6 as [::1]). */
    listen: Type.Array(Type.String(), { minItems: 1, default: ['udp://127.0.0.1:5060', 'tcp://127.0.0.1:5060'] }),
    tls: Type.Optional(TlsSchema),
    sip: SipSchema,
    trunks: Type.Record(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }), TrunkSchema, { default: {} }),
    routes: Type.Array(RouteSchema, { default: [] }),
    limits: LimitsSchema,
    routing: RoutingSchema,
    admin: AdminSchema,
    shutdown: ShutdownSchema,
    /**
     * CDRs (issue 7): present → every call attempt leaves one CDR, spooled locally then queued on Redis
     * (`cdr.redis` or REDIS_URL). Absent → no CDRs are written.
     */
    cdr: Type.Optional(Type.Object(CdrConfigSchema.properties, { additionalProperties: false })),
    /** Directory of operator cause-mapping profiles loaded beside the shipped ones (mappings/README.md). */
    mappings: Type.Optional(Type.Object({ files: Type.Array(Type.String()) }, { additionalProperties: false })),
    log: Type.Object(
      {
        level: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type TandemConfig = Static<typeof ConfigSchema>;
export type TrunkConfig = Static<typeof TrunkSchema>;
export type RouteConfig = Static<typeof RouteSchema>;
export type SipConfig = Static<typeof SipSchema>;
export type LimitsConfig = Static<typeof LimitsSchema>;
export type RoutingConfig = Static<typeof RoutingSchema>;
