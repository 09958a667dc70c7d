import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import type { Config } from '../config/load.js';
import { defaultConfig, loadConfigFile } from '../config/load.js';
import { runTandem } from '../main.js';
import { createLogger } from '../observability/logger.js';
import { CliError, UsageError } from './cli-error.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type Level = (typeof LEVELS)[number];

/** `tandem run [--config FILE] [--log-level LEVEL]`: runs until SIGTERM/SIGINT. */
export async function runCommand(args: readonly string[]): Promise<undefined> {
  let values: { config?: string; 'log-level'?: string };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { config: { type: 'string' }, 'log-level': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err: unknown) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\nusage: tandem run [--config FILE] [--log-level LEVEL]`);
  }
  const level = values['log-level'];
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  }
  let config: Config;
  try {
    config = values.config === undefined ? defaultConfig() : loadConfigFile(values.config);
  } catch (err: unknown) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  const logger = createLogger({ level: (level as Level | undefined) ?? (config.log.level as Level) });
  try {
    await runTandem({ config, logger, configSource: values.config ?? '(built-in default)' });
  } catch (err: unknown) {
    throw new CliError(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  return undefined;
}
