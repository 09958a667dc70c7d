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
import { isupCommand, mapCommand, mediaAuthCommand, qsigCommand } from './tool-commands.js';
import { cdrCommand } from './cdr-command.js';

const USAGE = `usage: tandem <command> …
  run [--config FILE] [--log-level LEVEL]   start Tandem (built-in default configuration without --config)
  sip parse [FILE|-]                        parse one SIP message as the receive path does, print it as JSON
  config check FILE                         validate a configuration, listing every error
  config default                            print the built-in default configuration
  map check [FILE…]                         validate cause-mapping tables (file, line, field for every error)
  map sip-to-q850 STATUS [--profile P]      the Q.850 cause for a SIP status
  map q850-to-sip CAUSE [--profile P] [--location L]   the SIP status for a Q.850 cause
  map diff P1 P2                            rows where two profiles differ
  isup decode HEX | isup encode [FILE|-]    ISUP (Q.763, no CIC) ⇄ JSON
  qsig decode HEX | qsig encode [FILE|-]    QSIG (Q.931) ⇄ JSON
  media-auth issue --key HEX --called N [--ttl S]       issue a P-Media-Authorization token
  media-auth verify --key HEX --called N TOKEN          check a token
  cdr worker [--config FILE]                export CDRs from Redis to the files under cdr.dir
  cdr export [--config FILE] --format csv|jsonl|protobuf [--from T] [--to T] [--trunk NAME]
  cdr stats [--config FILE] [--by trunk]    ASR, ACD, NER, PDD and causes`;

type Command = (args: readonly string[]) => string | Promise<string | undefined> | undefined;

const COMMANDS: Readonly<Record<string, Command>> = {
  sip: sipCommand,
  config: configCommand,
  run: runCommand,
  map: mapCommand,
  isup: isupCommand,
  qsig: qsigCommand,
  'media-auth': mediaAuthCommand,
  cdr: cdrCommand,
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
