import type { HeaderDef, TypedHeaderName } from '../sip/headers/header-types.js';
import { HEADER_REGISTRY } from '../sip/headers/registry.js';
import type { SipMessage } from '../sip/message.js';
import { parseMessage } from '../sip/parser/parse-message.js';
import { formatUri } from '../sip/uri/parse-uri.js';
import { CliError, UsageError } from './cli-error.js';
import { readInput } from './io.js';

/** `tandem sip parse [FILE|-]`: parse exactly as the receive path does; JSON on success, one line on failure. */
export function sipCommand(args: readonly string[]): string {
  const [verb, file, ...rest] = args;
  if (verb !== 'parse' || rest.length > 0) throw new UsageError('usage: tandem sip parse [FILE|-]');
  const { bytes, name } = readInput(file);
  const r = parseMessage(bytes);
  if (!r.ok) {
    const e = r.error;
    const where = [e.line === undefined || e.line === 0 ? undefined : `line ${e.line}`, e.header].filter(Boolean).join(', ');
    const wire = r.isRequest ? `earns ${e.status}` : 'response dropped';
    throw new CliError(`${name}: ${where === '' ? '' : `${where}: `}${e.message} (${wire})`);
  }
  return JSON.stringify(messageToJson(r.message), null, 2);
}

/** A JSON view of a message: start line, every header raw in wire order, typed values, body. */
export function messageToJson(m: SipMessage): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const f of m.headers.fields) {
    if (f.name in typed) continue;
    if ((HEADER_REGISTRY as Readonly<Record<string, HeaderDef<unknown>>>)[f.name] === undefined) continue;
    try {
      typed[f.name] = m.headers.get(f.name as TypedHeaderName);
    } catch (err: unknown) {
      // A malformed value of a header the message is not refused over (e.g. Reason): shown, not fatal.
      typed[f.name] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  const start =
    m.kind === 'request'
      ? { kind: 'request', method: m.method, uri: formatUri(m.uri), parsedUri: m.uri, version: m.version }
      : { kind: 'response', status: m.status, reason: m.reason };
  const text = m.body.toString('utf8');
  const isText = !text.includes('\uFFFD') && !text.includes('\u0000');
  return {
    ...start,
    headers: m.headers.fields.map((f) => ({ name: f.name, value: f.value })),
    typed,
    body: isText ? { length: m.body.length, text } : { length: m.body.length, base64: m.body.toString('base64') },
  };
}
