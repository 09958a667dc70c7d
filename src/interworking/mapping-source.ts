/**
 * Reading one mapping file: YAML syntax (with line numbers from a LineCounter), the file's kind, and its schema
 * check. Every problem carries file, line and, for schema problems, the field path.
 *
 * @internal
 * @packageDocumentation
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import type { MappingProblem } from './mapping-error.js';
import { CausesFileSchema, ProfileFileSchema, type CausesFile, type ProfileFile } from './mapping-schema.js';

/** A path into a parsed file: map keys and sequence indices. */
export type FieldPath = readonly (string | number)[];

/** Renders a field path as `sip-to-q850.rows[3].cause`. */
export function formatField(path: FieldPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** One parsed mapping file, able to turn a field path into a line and column. */
export class MappingSource {
  readonly file: string;
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;

  constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.#doc = doc;
    this.#lines = lines;
  }

  /**
   * Line and column of the node at `path`, or of the nearest existing parent when the path does not exist (a
   * missing field is reported where its parent is). A map entry is located at its key.
   */
  locate(path: FieldPath): { line: number; column: number } {
    let node: unknown = this.#doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (pair === undefined) break;
        offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
        node = pair.value;
      } else if (isSeq(node)) {
        const item: unknown = node.items[Number(seg)];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const pos = this.#lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  /** A problem at `path` (line from `locate`, field rendered with `formatField`). */
  problem(path: FieldPath, message: string): MappingProblem {
    const { line } = this.locate(path);
    return path.length === 0 ? { file: this.file, line, message } : { file: this.file, line, field: formatField(path), message };
  }
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0] ?? undefined;
}

/** The result of reading one file. `value` is present only when the file has no syntax or schema problem. */
export type ParsedFile =
  | { readonly kind: 'profile'; readonly source: MappingSource; readonly value?: ProfileFile; readonly rawName?: string }
  | { readonly kind: 'causes'; readonly source: MappingSource; readonly value?: CausesFile }
  | { readonly kind: 'unknown'; readonly source?: MappingSource };

let profileCheck: TypeCheck<typeof ProfileFileSchema> | undefined;
let causesCheck: TypeCheck<typeof CausesFileSchema> | undefined;

/**
 * Parses `text` (named `file` in messages), decides its kind (a `causes:` list makes a causes file, otherwise a
 * profile) and checks it against its schema; problems are appended to `problems`.
 */
export function parseMappingFile(file: string, text: string, problems: MappingProblem[]): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const pos = lines.linePos(err.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, message: `YAML syntax: ${firstLine(err.message)}` });
    }
    return { kind: 'unknown' };
  }
  const source = new MappingSource(file, doc, lines);
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ file, line: source.locate([]).line, message: 'expected a mapping with `profile:` (a profile) or `causes:` (the Q.850 cause list)' });
    return { kind: 'unknown', source };
  }
  if ('causes' in value && !('profile' in value)) {
    causesCheck ??= TypeCompiler.Compile(CausesFileSchema);
    const ok = schemaProblems(causesCheck, value, source, problems);
    return ok ? { kind: 'causes', source, value: value as CausesFile } : { kind: 'causes', source };
  }
  profileCheck ??= TypeCompiler.Compile(ProfileFileSchema);
  const ok = schemaProblems(profileCheck, value, source, problems);
  if (ok) return { kind: 'profile', source, value: value as ProfileFile };
  const rawName = (value as { profile?: { name?: unknown } }).profile?.name;
  return typeof rawName === 'string' ? { kind: 'profile', source, rawName } : { kind: 'profile', source };
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return (nl < 0 ? message : message.slice(0, nl)).trim();
}

/** Appends one problem per failing field (the first TypeBox error of each path); true when the value is valid. */
function schemaProblems(check: TypeCheck<TSchema>, value: unknown, source: MappingSource, problems: MappingProblem[]): boolean {
  if (check.Check(value)) return true;
  const seen = new Set<string>();
  for (const err of check.Errors(value)) {
    if (seen.has(err.path)) continue;
    seen.add(err.path);
    const path = pointerToPath(err.path, value);
    let message: string;
    if (err.type === ValueErrorType.ObjectRequiredProperty) {
      message = 'required field is missing';
    } else if (err.type === ValueErrorType.ObjectAdditionalProperties) {
      message = 'unknown field';
    } else {
      const custom = (err.schema as { errorMessage?: unknown }).errorMessage;
      const expected = typeof custom === 'string' ? custom : lowerFirst(err.message);
      message = `${expected} (got ${describe(err.value)})`;
    }
    problems.push(source.problem(path, message));
  }
  return false;
}

function lowerFirst(s: string): string {
  return s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** JSON pointer (`/a/0/b`) → path, with numeric segments as numbers where the value at that point is a list. */
function pointerToPath(pointer: string, root: unknown): FieldPath {
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(seg);
      out.push(index);
      node = node[index];
    } else {
      out.push(seg);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
