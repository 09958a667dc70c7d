/**
 * The process entry of `tandem run`: load the configuration (or the built-in default), build the gateway, log the
 * bound sockets, and stop cleanly on SIGTERM/SIGINT (exit 0).
 */
import type { Config } from './config/load.js';
import type { Gateway } from './gateway.js';
import { createGateway } from './gateway.js';
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
    },
    'listening',
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    gateway.close().then(
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
  return gateway;
}
