#!/usr/bin/env node
/**
 * The `tandem` command. Each verb prints its result on stdout and exits 0; bad input prints one line on stderr and
 * exits 1; bad usage exits 2. Unexpected failures print one line too — never a stack trace for the user
 * (set TANDEM_DEBUG=1 to see it).
 */
import { isTandemError } from '../errors/tandem-error.js';
import { CliError, UsageError } from './cli-error.js';
import { configCommand } from './config-command.js';
import { sipCommand } from './sip-command.js';
import { runCommand } from './run-command.js';

const USAGE = `usage: tandem <command> …
  run [--config FILE] [--log-level LEVEL]   start Tandem (built-in default configuration without --config)
  sip parse [FILE|-]                        parse one SIP message as the receive path does, print it as JSON
  config check FILE                         validate a configuration, listing every error
  config default                            print the built-in default configuration`;

type Command = (args: readonly string[]) => string | Promise<string | undefined> | undefined;

const COMMANDS: Readonly<Record<string, Command>> = {
  sip: sipCommand,
  config: configCommand,
  run: runCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new UsageError(`unknown command '${name}'\n${USAGE}`);
  const out = await command(args);
  if (out !== undefined) process.stdout.write(`${out}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`tandem: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const msg = isTandemError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`tandem: ${msg.split('\n').join('\n  ')}\n`);
    if (process.env['TANDEM_DEBUG'] === '1' && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = 1;
  },
);
