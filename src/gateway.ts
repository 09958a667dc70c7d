/**
 * The composition root (STYLE.md §1): builds each layer from the frozen configuration and injects the layer below.
 * The only place besides main.ts that creates concrete objects (sockets).
 *
 *   TransportLayer (sockets, §18) ──message──▶ TransactionLayer (§17) ──TU──▶ UaCore (§8.2) ──▶ handler (B2BUA)
 */
import type { Config } from './config/load.js';
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
}

/** A running Tandem: its layers, its bound sockets, and one idempotent close(). */
export interface Gateway {
  readonly config: Config;
  readonly metrics: Metrics;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly core: UaCore;
  readonly listeningPoints: readonly ListeningPoint[];
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
  const listeningPoints = await transport.start();

  let closing: Promise<void> | undefined;
  return {
    config,
    metrics,
    transport,
    transactions,
    core,
    listeningPoints,
    close() {
      closing ??= (async () => {
        transactions.close();
        await transport.close();
      })();
      return closing;
    },
  };
}
