/**
 * Locates and loads src/cdr/cdr.proto, the source of truth of the CDR encoding (STYLE.md P13).
 *
 * The schema is read at run time with protobufjs rather than compiled into a static module: there is one file to
 * change, no generated code to keep in step, and `protoc` reads the very same file in the golden tests. `tsc` does
 * not copy .proto files, so the file is looked for next to this module (src/ under vitest and vite-node, or dist/
 * when a packaging step copies it) and then at ../../src/cdr/cdr.proto (dist/cdr/ → src/cdr/ in a checkout).
 * `google/protobuf/timestamp.proto` is one of protobufjs's bundled common files, so no include path is needed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Type } from 'protobufjs';
import { CdrExportError } from './cdr-errors.js';

/** Where cdr.proto is looked for, in order. @internal */
export const CDR_PROTO_CANDIDATES: readonly URL[] = Object.freeze([
  new URL('./cdr.proto', import.meta.url),
  new URL('../../src/cdr/cdr.proto', import.meta.url),
]);

/** Fully qualified name of the record message. */
export const CDR_MESSAGE = 'tandem.cdr.Cdr';

let cached: Type | undefined;

/** Absolute path of the cdr.proto in use. @throws CdrExportError when no candidate exists. */
export function cdrProtoPath(): string {
  for (const url of CDR_PROTO_CANDIDATES) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new CdrExportError(`cdr.proto not found (looked at ${CDR_PROTO_CANDIDATES.map((u) => fileURLToPath(u)).join(', ')})`);
}

/** The `tandem.cdr.Cdr` message type, loaded once and cached. */
export function cdrMessageType(): Type {
  if (cached !== undefined) return cached;
  const root = new protobuf.Root();
  try {
    root.loadSync(cdrProtoPath(), { keepCase: false });
    root.resolveAll();
  } catch (err) {
    throw new CdrExportError('cdr.proto could not be loaded', { cause: err });
  }
  cached = root.lookupType(CDR_MESSAGE);
  return cached;
}
