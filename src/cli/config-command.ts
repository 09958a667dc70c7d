import { ConfigError } from '../config/config-error.js';
import { DEFAULT_CONFIG_YAML } from '../config/default-config.js';
import { loadConfigFile } from '../config/load.js';
import { CliError, UsageError } from './cli-error.js';

/** `tandem config check FILE` and `tandem config default`. */
export function configCommand(args: readonly string[]): string {
  const [verb, file, ...rest] = args;
  if (verb === 'default' && file === undefined) return DEFAULT_CONFIG_YAML.trimEnd();
  if (verb === 'check' && file !== undefined && rest.length === 0) {
    try {
      loadConfigFile(file);
    } catch (err: unknown) {
      if (err instanceof ConfigError) {
        throw new CliError(`${err.message}\n${err.problems.length} problem(s) in ${file}`);
      }
      throw err;
    }
    return `${file}: configuration is valid`;
  }
  throw new UsageError('usage: tandem config check FILE | tandem config default');
}
