/**
 * The process entry of `tandem run`: load the configuration (or the built-in default), build the gateway, log the
 * bound sockets, and stop cleanly on SIGTERM/SIGINT (exit 0).
 */
import type { Config } from './config/load.js';
import type { Gateway } from './gateway.js';
import { createGateway, reloadMappings } from './gateway.js';
import type { Logger } from './observability/logger.js';

export interface RunOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Source of the configuration, for the start-up log. */
  readonly configSource: string;
}

/** Starts Tandem and installs the signal handlers; resolves with the running gateway. */
export async function runTandem(options: RunOptions): Promise<Gateway> {
  const { logger } = options;
  const gateway = await createGateway({ config: options.config, logger });
  logger.info(
    {
      config: options.configSource,
      sockets: gateway.listeningPoints.map((p) => ({ protocol: p.protocol, host: p.address, port: p.port })),
      admin: gateway.admin,
      mappingVersion: gateway.mappings.current.version,
    },
    'listening',
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const deadline = options.config.shutdown.drainSeconds * 1_000;
    logger.info({ signal, calls: gateway.b2bua.calls.size, drainSeconds: options.config.shutdown.drainSeconds }, 'stopping: draining calls');
    gateway
      .drain(deadline)
      .then(() => gateway.close())
      .then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Issue 4: SIGHUP reloads the cause tables (validated whole, swapped atomically, or refused with the reasons).
  process.on('SIGHUP', () => {
    void reloadMappings(gateway.mappings, logger);
  });
  return gateway;
}
