import { TandemError } from '../errors/tandem-error.js';

/** One problem found in a mapping file: where it is and what is wrong. */
export interface MappingProblem {
  /** The file as it was given (path or label). */
  readonly file: string;
  /** 1-based line of the offending node (the nearest existing parent when a field is missing). */
  readonly line: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** Field path inside the file, e.g. `sip-to-q850.rows[3].cause`. */
  readonly field?: string;
  readonly message: string;
}

/** Formats one problem as `FILE:LINE: field: message` (column after the line when known). */
export function formatProblem(p: MappingProblem): string {
  const where = p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
  return p.field === undefined ? `${where}: ${p.message}` : `${where}: ${p.field}: ${p.message}`;
}

/**
 * A mapping set failed validation (STYLE.md P12: all problems reported at once). The message lists one problem per
 * line as `FILE:LINE: field: message`; `problems` carries the same list for programs.
 */
export class MappingError extends TandemError {
  readonly problems: readonly MappingProblem[];

  constructor(problems: readonly MappingProblem[]) {
    super('TANDEM_ERR_MAPPING_INVALID', problems.map(formatProblem).join('\n'));
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
  }
}

/** A lookup named a profile (or event) that the loaded mapping set does not have. */
export class MappingLookupError extends TandemError {
  /** The profile or event name that was asked for. */
  readonly requested: string;

  constructor(message: string, requested: string) {
    super('TANDEM_ERR_MAPPING_LOOKUP', message);
    this.requested = requested;
  }
}
