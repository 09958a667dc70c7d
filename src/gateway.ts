/**
 * The composition root (STYLE.md §1): builds each layer from the frozen configuration and injects the layer below.
 * The only place besides main.ts that creates concrete objects (sockets).
 *
 *   TransportLayer (sockets, §18) ──message──▶ TransactionLayer (§17) ──TU──▶ UaCore (§8.2) ──▶ handler (B2BUA)
 */
import { AdminServer } from './admin/admin-server.js';
import { recordFromSummary } from './cdr/cdr-collector.js';
import { resolveCdrConfig } from './cdr/cdr-config.js';
import { CdrPipeline } from './cdr/cdr-pipeline.js';
import { B2bua } from './b2bua/b2bua.js';
import type { CallSummary } from './b2bua/call-state.js';
import { TrunkMonitor } from './b2bua/trunk-monitor.js';
import { ConfigError } from './config/config-error.js';
import type { Config } from './config/load.js';
import { MappingStore } from './interworking/mapping-store.js';
import type { NameAddr } from './sip/headers/header-types.js';
import { bracketIfIpv6 } from './transport/address.js';
import { DnsResolver } from './transport/resolver.js';
import type { TransportProtocol } from './transport/transport.js';
import { deriveTimers } from './config/timers.js';
import { UaCore } from './dialog/ua-core.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import type { ParserLimits } from './sip/parser/limits.js';
import { TransactionLayer } from './transaction/transaction-layer.js';
import type { ListeningPoint } from './transport/transport-layer.js';
import { TransportLayer } from './transport/transport-layer.js';
import type { TlsOptions } from './transport/transport-options.js';
import type { Clock } from './util/clock.js';
import { SystemClock } from './util/clock.js';

export interface GatewayOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly metrics?: Metrics;
  /** Every ended call's summary (the CDR path hooks in here). */
  readonly onCallEnded?: (summary: CallSummary) => void;
}

/** A running Tandem: its layers, its bound sockets, and one idempotent close(). */
export interface Gateway {
  readonly config: Config;
  readonly metrics: Metrics;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly core: UaCore;
  readonly b2bua: B2bua;
  readonly mappings: MappingStore;
  readonly listeningPoints: readonly ListeningPoint[];
  /** The admin listener's address, when it is on. */
  readonly admin: { readonly host: string; readonly port: number } | undefined;
  /** SIGTERM behaviour: refuse new calls, let calls end until the deadline, BYE the rest. */
  drain(deadlineMs: number): Promise<void>;
  close(): Promise<void>;
}

export function parserLimits(config: Config): ParserLimits {
  return Object.freeze({
    maxMessageSize: config.sip.maxMessageSize,
    maxHeaders: config.sip.maxHeaders,
    maxHeaderLength: config.sip.maxHeaderLength,
    maxUriLength: config.sip.maxUriLength,
  });
}

function tlsOptions(config: Config): TlsOptions | undefined {
  const t = config.tls;
  if (t === undefined) return undefined;
  return {
    cert: { path: t.cert },
    key: { path: t.key },
    ...(t.ca === undefined ? {} : { ca: [{ path: t.ca }] }),
    rejectUnauthorized: t.verifyPeer,
  };
}

/** Builds and starts every layer; resolves once every socket is bound. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const clock = options.clock ?? new SystemClock();
  const metrics = options.metrics ?? new Metrics();
  const limits = parserLimits(config);
  const tls = tlsOptions(config);
  const transport = new TransportLayer({
    listen: config.listen,
    clock,
    logger,
    metrics,
    limits,
    ...(tls === undefined ? {} : { tls }),
    stream: { idleTimeoutMs: config.sip.tcpIdleTimeout * 1_000, maxConnections: config.sip.maxConnections },
  });
  const transactions = new TransactionLayer({
    transport,
    clock,
    timers: deriveTimers({ t1: config.sip.t1, t2: config.sip.t2, t4: config.sip.t4 }),
    logger,
    metrics,
  });
  const core = new UaCore({ logger, metrics, serverName: config.sip.userAgent });
  transactions.setUser(core);
  transport.on('message', (m) => transactions.receive(m));
  transport.on('error', (err) => logger.warn({ err }, 'transport error'));
  const mappings = await MappingStore.open({ extraFiles: [...(config.mappings?.files ?? [])] });
  // Every trunk's cause profile must exist in the tables (issue 4): refused at start-up, not at the first call.
  const unknownProfiles = Object.entries(config.trunks)
    .map(([name, t]) => ({ name, profile: t.causeProfile ?? 'rfc3398' }))
    .filter((x) => !mappings.current.hasProfile(x.profile));
  if (unknownProfiles.length > 0) {
    throw new ConfigError(
      unknownProfiles.map((x) => ({
        file: '(configuration)',
        path: `trunks.${x.name}.causeProfile`,
        message: `unknown cause profile '${x.profile}' (known: ${mappings.current.profileNames.join(', ')})`,
      })),
    );
  }
  // Issue 7: with a `cdr:` section every call attempt leaves one CDR — durable in the local spool before anything
  // else, then queued on Redis; what an earlier run left in the spool is drained from start-up on.
  const cdrs = config.cdr === undefined ? undefined : await CdrPipeline.open(resolveCdrConfig(config.cdr), { logger, metrics });
  const spooling = new Set<Promise<void>>();
  const onCallEnded = (summary: CallSummary): void => {
    if (cdrs !== undefined) {
      const p = cdrs
        .submit(recordFromSummary(summary))
        .catch((err: unknown) => logger.error({ err, call: summary.id }, 'CDR not spooled'))
        .finally(() => spooling.delete(p));
      spooling.add(p);
    }
    options.onCallEnded?.(summary);
  };
  const listeningPoints = await transport.start();

  const pointFor = (protocol: TransportProtocol): ListeningPoint =>
    listeningPoints.find((p) => p.protocol === protocol) ?? listeningPoints[0]!;
  // One Contact per listening point, built once and frozen: every dialog keeps its Contact for the whole call, and
  // a copy per dialog (a name-addr, its URI and their arrays) was a few hundred bytes of each established call.
  const contacts = new Map<TransportProtocol, NameAddr>();
  const contactFor = (protocol: TransportProtocol): NameAddr => {
    let contact = contacts.get(protocol);
    if (contact === undefined) {
      const p = pointFor(protocol);
      contact = Object.freeze({
        uri: Object.freeze({
          scheme: protocol === 'tls' ? 'sips' : 'sip',
          user: 'tandem',
          host: bracketIfIpv6(p.address),
          port: p.port,
          params: Object.freeze(protocol === 'udp' ? [] : [Object.freeze(['transport', protocol] as const)]),
          headers: Object.freeze([]),
        }),
        params: Object.freeze([]),
        isBracketed: true,
      });
      contacts.set(protocol, contact);
    }
    return contact;
  };
  const resolver = new DnsResolver();
  const trunks = new TrunkMonitor({ config, resolver, clock, logger, metrics });
  const timers = deriveTimers({ t1: config.sip.t1, t2: config.sip.t2, t4: config.sip.t4 });
  const b2bua = new B2bua({
    config,
    ctx: {
      transactions,
      clock,
      t1: timers.t1,
      t2: timers.t2,
      timerCMs: config.routing.timerC * 1_000,
      logger,
      metrics,
      userAgent: config.sip.userAgent,
      resolver,
      contactFor,
      contactHost: (protocol) => bracketIfIpv6(pointFor(protocol).address),
    },
    mappings,
    trunks,
    logger,
    metrics,
    onCallEnded,
    inputDelayMs: () => transport.inputDelayMs(),
  });
  core.setHandler(b2bua);
  trunks.start(transactions);

  let admin: AdminServer | undefined;
  let adminAddress: { host: string; port: number } | undefined;
  let isDraining = false;
  if (config.admin.listen !== 'off') {
    const [host, port] = splitHostPort(config.admin.listen);
    admin = new AdminServer(
      {
        health: () => ({ status: isDraining ? 'draining' : 'ok', calls: b2bua.calls.size }),
        calls: () => [...b2bua.calls].map((c) => c.toJSON()),
        metrics: () => metrics.render(),
        reloadMappings: () => reloadMappings(mappings, logger),
      },
      logger,
    );
    try {
      const a = await admin.listen(host, port);
      adminAddress = { host: a.address, port: a.port };
    } catch (err: unknown) {
      await transport.close();
      throw err;
    }
  }

  let closing: Promise<void> | undefined;
  return {
    config,
    metrics,
    transport,
    transactions,
    core,
    b2bua,
    mappings,
    listeningPoints,
    admin: adminAddress,
    async drain(deadlineMs) {
      isDraining = true;
      await b2bua.drain(deadlineMs);
    },
    close() {
      closing ??= (async () => {
        trunks.close();
        await admin?.close();
        transactions.close();
        await transport.close();
        if (cdrs !== undefined) {
          // Every ended call's CDR is durable in the spool first; then give the queue a bounded moment to take the
          // backlog (what it does not take stays in the spool and is sent at the next start).
          await Promise.allSettled([...spooling]);
          await Promise.race([cdrs.whenDrained(), new Promise<void>((r) => setTimeout(r, 5_000).unref())]);
          await cdrs.close();
        }
      })();
      return closing;
    },
  };
}

/** Reloads the cause tables (SIGHUP, POST /mappings/reload): all or nothing, with the outcome logged. */
export async function reloadMappings(store: MappingStore, logger: Logger): Promise<{ ok: boolean; version: string; message: string }> {
  const outcome = await store.reload();
  if (outcome.ok) logger.info({ version: outcome.version, changed: outcome.changed }, 'mappings reloaded');
  else logger.warn({ version: outcome.version, errors: outcome.message }, 'mappings reload refused: the tables in force stay');
  return { ok: outcome.ok, version: outcome.version, message: outcome.message };
}

function splitHostPort(text: string): [string, number] {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (m === null) throw new TypeError(`admin.listen must be HOST:PORT or off, got '${text}'`);
  return [m[1]!, Number(m[2])];
}
