/**
 * Holds the mapping set in force and replaces it atomically on reload (SIGHUP or POST /mappings/reload, wired by
 * the composition root). A reload validates the whole new set first; a bad set is refused with the same messages
 * as `tandem map check`, and the old set stays in force.
 *
 * Callers read `store.current` ONCE at the start of a piece of work (a call, a CLI command) and use that set to
 * the end, so a reload in the middle cannot mix two versions of the tables.
 *
 * @packageDocumentation
 */
import { isTandemError } from '../errors/tandem-error.js';
import { MappingError, formatProblem, type MappingProblem } from './mapping-error.js';
import { loadMappingSet, SHIPPED_MAPPINGS_DIR, type MappingSet } from './mapping-tables.js';

/** Where a store loads its set from. */
export interface MappingSources {
  /** Mappings directory (q850-causes.yaml + profiles/); default: the shipped mappings/. */
  readonly dir?: string | URL;
  /** Extra profile files (operators' custom profiles). */
  readonly extraFiles?: readonly string[];
}

/** What a reload did. */
export interface ReloadOutcome {
  /** True when the new set was valid and is now in force. */
  readonly ok: boolean;
  /** Version in force after the reload (the old one when refused). */
  readonly version: string;
  readonly previousVersion: string;
  /** True when the new set's version differs from the previous one. */
  readonly changed: boolean;
  /** Every problem of a refused set (empty when ok). */
  readonly errors: readonly MappingProblem[];
  /** The problems formatted one per line, `FILE:LINE: field: message` (empty when ok). */
  readonly message: string;
}

/** Loads a set; used by the store on every reload. */
export type MappingLoader = () => Promise<MappingSet>;

/** The mapping set in force, swapped atomically by `reload()`. */
export class MappingStore {
  #current: MappingSet;
  readonly #load: MappingLoader;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(initial: MappingSet, load: MappingLoader) {
    this.#current = initial;
    this.#load = load;
  }

  /**
   * Loads the first set (which must be valid) and returns a store that reloads from the same sources.
   * @throws MappingError when the initial set is invalid
   */
  static async open(sources: MappingSources = {}): Promise<MappingStore> {
    const dir = sources.dir ?? SHIPPED_MAPPINGS_DIR;
    const extra = [...(sources.extraFiles ?? [])];
    const load: MappingLoader = () => loadMappingSet(dir, extra);
    return new MappingStore(await load(), load);
  }

  /** The set in force. Read it once per unit of work (see the module comment). */
  get current(): MappingSet {
    return this.#current;
  }

  /**
   * Re-reads and validates the whole set; swaps it in only if it is valid. Concurrent calls run one after the
   * other, so each sees the files as they are when it starts. Errors other than an invalid set (a bug) reject.
   */
  reload(): Promise<ReloadOutcome> {
    const run = this.#queue.then(() => this.#reloadNow());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reloadNow(): Promise<ReloadOutcome> {
    const previous = this.#current;
    try {
      const next = await this.#load();
      this.#current = next;
      return Object.freeze({
        ok: true,
        version: next.version,
        previousVersion: previous.version,
        changed: next.version !== previous.version,
        errors: Object.freeze([]),
        message: '',
      });
    } catch (err: unknown) {
      if (!(err instanceof MappingError) && !(isTandemError(err) && err.code === 'TANDEM_ERR_MAPPING_INVALID')) throw err;
      const problems = (err as MappingError).problems;
      return Object.freeze({
        ok: false,
        version: previous.version,
        previousVersion: previous.version,
        changed: false,
        errors: problems,
        message: problems.map(formatProblem).join('\n'),
      });
    }
  }
}
