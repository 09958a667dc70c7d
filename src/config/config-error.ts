import { TandemError } from '../errors/tandem-error.js';

/** One thing wrong with a configuration: where (file, line, path) and what was expected. */
export interface ConfigProblem {
  readonly file: string;
  readonly line?: number;
  /** Dotted path of the setting, e.g. `trunks.carrier-b.to`. */
  readonly path: string;
  readonly message: string;
}

/** A configuration failed validation; `problems` lists every error found, not just the first. */
export class ConfigError extends TandemError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super('TANDEM_ERR_CONFIG_INVALID', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}: ${p.path === '' ? '(top level)' : p.path}: ${p.message}`;
}
