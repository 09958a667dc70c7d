import { CANONICAL_HEADER_NAMES } from './headers/registry.js';
import type { SipMessage } from './message.js';
import { SIP_VERSION } from './message.js';
import { formatUri } from './uri/parse-uri.js';

/**
 * Messages are encoded into a shared slab and handed out as views of it, as Buffer.allocUnsafe hands out views of
 * Node's 8 KiB pool: one UTF-8 write of the whole head, no separate Buffer.byteLength pass, and one ArrayBuffer per
 * slab instead of one per few messages (creating one costs microseconds). A view keeps its slab alive, so the slab
 * is kept moderate (64 KiB, about 60 INVITEs); a message that might not fit in half of one gets a buffer of its own.
 */
const SLAB_SIZE = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

// Hot path: an imported binding copied into a module constant once (see parser/parse-message.ts).
const uriText = formatUri;
const VERSION = SIP_VERSION;
const VERSION_SUFFIX = ` ${SIP_VERSION}`;

/**
 * `CRLF name ": "` for every known header name, built once: one string node per line instead of two. Other names
 * are concatenated per message (the table never grows, whatever names arrive).
 *
 * An open-addressing table keyed by a hash of the name's length and first and last characters, rather than a Map: the
 * canonical names differ there, so a look-up is nearly always one probe, where the Map's look-up (a builtin call that
 * walks a hash chain) was a visible part of the serializer's time.
 */
const LINE_START_SLOTS = 512;
const LINE_START_NAMES: (string | undefined)[] = new Array<string | undefined>(LINE_START_SLOTS).fill(undefined);
const LINE_START_TEXTS: string[] = new Array<string>(LINE_START_SLOTS).fill('');

function lineStartSlot(name: string): number {
  const n = name.length;
  return (Math.imul(n, 31) + Math.imul(name.charCodeAt(0), 7) + name.charCodeAt(n - 1)) & (LINE_START_SLOTS - 1);
}

for (const name of CANONICAL_HEADER_NAMES) {
  let i = lineStartSlot(name);
  while (LINE_START_NAMES[i] !== undefined) i = (i + 1) & (LINE_START_SLOTS - 1);
  LINE_START_NAMES[i] = name;
  LINE_START_TEXTS[i] = `\r\n${name}: `;
}

/** `CRLF name ": "` for `name`. */
function lineStart(name: string): string {
  let i = lineStartSlot(name);
  for (;;) {
    const known = LINE_START_NAMES[i];
    if (known === name) return LINE_START_TEXTS[i]!;
    if (known === undefined) return '\r\n' + name + ': ';
    i = (i + 1) & (LINE_START_SLOTS - 1);
  }
}

/**
 * SipMessage → bytes (RFC 3261 §7). Headers are written in their stored order; Content-Length is always written
 * and always counts the body in *bytes* (§20.14), whatever it held before — so binary bodies (ISUP) frame right.
 */
export function serializeMessage(message: SipMessage): Buffer {
  const body = message.body;
  // Each line's CRLF is written with the next line's name (`CRLF name ": "`, one string): the head is built as a tree
  // of string nodes and flattened when it is written, at a cost per node.
  let head =
    message.kind === 'request'
      ? message.method + ' ' + uriText(message.uri) + (message.version === VERSION ? VERSION_SUFFIX : ' ' + message.version)
      : `SIP/2.0 ${message.status} ${message.reason}`;
  let wroteLength = false;
  const fields = message.headers.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.name === 'Content-Length') {
      if (!wroteLength) head += '\r\nContent-Length: ' + String(body.length);
      wroteLength = true;
      continue;
    }
    // Two appends rather than `head += prefix + value`: each piece then hangs directly off the chain, which the
    // flattening copies without descending into a sub-tree per line.
    head += lineStart(f.name);
    head += f.value;
  }
  if (!wroteLength) head += '\r\nContent-Length: ' + String(body.length);
  head += '\r\n\r\n';
  // A JavaScript string of n code units is at most 3n bytes of UTF-8 (a lone surrogate becomes U+FFFD, 3 bytes).
  const maxLen = head.length * 3 + body.length;
  if (maxLen <= SLAB_SIZE / 2) {
    if (slabUsed + maxLen > SLAB_SIZE) {
      slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      slabUsed = 0;
    }
    const start = slabUsed;
    const headLen = slab.write(head, start, 'utf8');
    // TypedArray#set copies with one memmove; Buffer#copy builds a view of the source first.
    if (body.length > 0) slab.set(body, start + headLen);
    const end = start + headLen + body.length;
    // Next message 8-byte aligned, as in Node's pool.
    slabUsed = (end + 7) & ~7;
    return slab.subarray(start, end);
  }
  if (body.length === 0) return Buffer.from(head, 'utf8');
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + body.length);
  out.write(head, 0, 'utf8');
  body.copy(out, headLen);
  return out;
}
