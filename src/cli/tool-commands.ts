/**
 * The CLI verbs over the pure tool functions: `map …` (issue 4), `isup …` / `qsig …` (issue 5), `media-auth …`
 * (issue 6). Argument parsing only; every decision is in the layer that owns it.
 */
import { parseArgs } from 'node:util';
import { isupDecodeHexToJson, isupEncodeJsonToHex, qsigDecodeHexToJson, qsigEncodeJsonToHex } from '../codecs/cli.js';
import { isTandemError } from '../errors/tandem-error.js';
import { mapCheck, mapDiff, mapQ850ToSip, mapSipToQ850 } from '../interworking/mapping-cli.js';
import { mediaAuthIssue, mediaAuthVerify } from '../policy/media-auth-cli.js';
import { CliError, UsageError } from './cli-error.js';
import { readInput } from './io.js';

function parse(args: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>, usage: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err: unknown) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\nusage: ${usage}`);
  }
}

/** Typed errors of the tools become one-line CLI errors (exit 1). */
async function asCli<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err: unknown) {
    if (isTandemError(err)) throw new CliError(err.message);
    throw err;
  }
}

const MAP_USAGE = `tandem map check [FILE…]
       tandem map sip-to-q850 STATUS [--profile P] [--file F]
       tandem map q850-to-sip CAUSE [--profile P] [--location L] [--file F]
       tandem map diff P1 P2 [--file F]`;

export async function mapCommand(args: readonly string[]): Promise<string> {
  const [verb, ...rest] = args;
  const opts = { profile: { type: 'string' as const }, location: { type: 'string' as const }, file: { type: 'string' as const } };
  switch (verb) {
    case 'check':
      return asCli(() => mapCheck(rest));
    case 'sip-to-q850': {
      const { values, positionals } = parse(rest, opts, MAP_USAGE);
      if (positionals.length !== 1) throw new UsageError(`usage: ${MAP_USAGE}`);
      return asCli(() =>
        mapSipToQ850(positionals[0]!, {
          ...(typeof values['profile'] === 'string' ? { profile: values['profile'] } : {}),
          ...(typeof values['file'] === 'string' ? { files: [values['file']] } : {}),
        }),
      );
    }
    case 'q850-to-sip': {
      const { values, positionals } = parse(rest, opts, MAP_USAGE);
      if (positionals.length !== 1) throw new UsageError(`usage: ${MAP_USAGE}`);
      return asCli(() =>
        mapQ850ToSip(positionals[0]!, {
          ...(typeof values['profile'] === 'string' ? { profile: values['profile'] } : {}),
          ...(typeof values['location'] === 'string' ? { location: values['location'] } : {}),
          ...(typeof values['file'] === 'string' ? { files: [values['file']] } : {}),
        }),
      );
    }
    case 'diff': {
      const { values, positionals } = parse(rest, opts, MAP_USAGE);
      if (positionals.length !== 2) throw new UsageError(`usage: ${MAP_USAGE}`);
      return asCli(() => mapDiff(positionals[0]!, positionals[1]!, typeof values['file'] === 'string' ? { files: [values['file']] } : {}));
    }
    default:
      throw new UsageError(`usage: ${MAP_USAGE}`);
  }
}

function codecCommand(name: 'isup' | 'qsig', args: readonly string[]): Promise<string> {
  const usage = `tandem ${name} decode HEX | tandem ${name} encode [FILE|-]`;
  const [verb, ...rest] = args;
  if (verb === 'decode' && rest.length >= 1) {
    const hex = rest.join('');
    return asCli(() => (name === 'isup' ? isupDecodeHexToJson(hex) : qsigDecodeHexToJson(hex)));
  }
  if (verb === 'encode' && rest.length <= 1) {
    const { bytes } = readInput(rest[0]);
    const json = bytes.toString('utf8');
    return asCli(() => (name === 'isup' ? isupEncodeJsonToHex(json) : qsigEncodeJsonToHex(json)));
  }
  throw new UsageError(`usage: ${usage}`);
}

export const isupCommand = (args: readonly string[]): Promise<string> => codecCommand('isup', args);
export const qsigCommand = (args: readonly string[]): Promise<string> => codecCommand('qsig', args);

const MEDIA_USAGE = `tandem media-auth issue --key HEX --called NUMBER [--ttl SECONDS]
       tandem media-auth verify --key HEX --called NUMBER TOKEN`;

export async function mediaAuthCommand(args: readonly string[]): Promise<string> {
  const [verb, ...rest] = args;
  const { values, positionals } = parse(
    rest,
    { key: { type: 'string' }, called: { type: 'string' }, ttl: { type: 'string' } },
    MEDIA_USAGE,
  );
  const key = values['key'];
  const called = values['called'];
  if (typeof key !== 'string' || typeof called !== 'string') throw new UsageError(`--key and --called are required\nusage: ${MEDIA_USAGE}`);
  if (verb === 'issue' && positionals.length === 0) {
    const ttl = values['ttl'];
    return asCli(() => mediaAuthIssue({ key, called, now: Date.now(), ...(typeof ttl === 'string' ? { ttl } : {}) }));
  }
  if (verb === 'verify' && positionals.length === 1) {
    return asCli(() => mediaAuthVerify({ key, called, token: positionals[0]!, now: Date.now() }));
  }
  throw new UsageError(`usage: ${MEDIA_USAGE}`);
}

