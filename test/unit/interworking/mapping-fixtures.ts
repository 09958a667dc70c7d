// Helpers for the mapping tests: the shipped texts, and temp directories holding a copy of them.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_MAPPINGS_DIR, type MappingText } from '../../../src/interworking/mapping-tables.js';

export const shippedText = (rel: string): string => readFileSync(join(SHIPPED_MAPPINGS_DIR, rel), 'utf8');

/** The shipped set as texts: causes file and both base profiles. */
export function shippedTexts(): MappingText[] {
  return [
    { file: 'q850-causes.yaml', text: shippedText('q850-causes.yaml') },
    { file: 'profiles/rfc3398.yaml', text: shippedText('profiles/rfc3398.yaml') },
    { file: 'profiles/q1912-5.yaml', text: shippedText('profiles/q1912-5.yaml') },
  ];
}

/** A temp mappings dir with a copy of the shipped files; `files` adds or replaces files (path relative to dir). */
export function tempMappingsDir(files: Record<string, string> = {}): { dir: string; write: (rel: string, text: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-mappings-'));
  mkdirSync(join(dir, 'profiles'));
  const write = (rel: string, text: string): string => {
    const path = join(dir, rel);
    writeFileSync(path, text);
    return path;
  };
  write('q850-causes.yaml', shippedText('q850-causes.yaml'));
  write('profiles/rfc3398.yaml', shippedText('profiles/rfc3398.yaml'));
  write('profiles/q1912-5.yaml', shippedText('profiles/q1912-5.yaml'));
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal custom profile text. */
export function customProfile(name: string, base: string, body = ''): string {
  return `profile:\n  name: ${name}\n  base: ${base}\n  description: "test profile ${name}"\n${body}`;
}
