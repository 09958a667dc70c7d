/** `tandem cdr worker|export|stats` (issue 7): argv → the CDR layer's command functions. */
import { cdrExport, cdrStats, cdrWorkerCommand, parseCdrArgs } from '../cdr/cli.js';
import { isTandemError } from '../errors/tandem-error.js';
import { createLogger } from '../observability/logger.js';
import { CliError, UsageError } from './cli-error.js';

export async function cdrCommand(args: readonly string[]): Promise<string | undefined> {
  let req;
  try {
    req = parseCdrArgs(args);
  } catch (err: unknown) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const base = req.config === undefined ? {} : { config: req.config };
  try {
    switch (req.verb) {
      case 'worker': {
        const logger = createLogger({ level: 'info' });
        const handle = await cdrWorkerCommand({ ...base, logger });
        logger.info('cdr worker running');
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            void handle.close().then(resolve, resolve);
          };
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
        return undefined;
      }
      case 'export': {
        const { verb: _v, config: _c, ...rest } = req;
        await cdrExport({ ...base, ...rest }, (chunk) => {
          process.stdout.write(chunk);
        });
        return undefined;
      }
      case 'stats': {
        const { verb: _v, config: _c, ...rest } = req;
        return await cdrStats({ ...base, ...rest });
      }
    }
  } catch (err: unknown) {
    if (isTandemError(err)) throw new CliError(err.message);
    throw err;
  }
}
