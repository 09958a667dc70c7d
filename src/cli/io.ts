import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';

/** Reads a file argument, or stdin for `-` / no argument. */
export function readInput(file: string | undefined): { bytes: Buffer; name: string } {
  const name = file === undefined || file === '-' ? '(stdin)' : file;
  try {
    return { bytes: readFileSync(file === undefined || file === '-' ? 0 : file), name };
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${name}: cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`);
  }
}
