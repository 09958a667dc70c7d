// Reload: validate the whole new set, swap atomically, keep the old set on a bad edit; content-hash versions.
import { afterEach, describe, expect, it } from 'vitest';
import { buildMappingSet, loadMappingSet } from '../../../src/interworking/mapping-tables.js';
import { MappingStore } from '../../../src/interworking/mapping-store.js';
import { MappingError } from '../../../src/interworking/mapping-error.js';
import { customProfile, shippedTexts, tempMappingsDir } from './mapping-fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function tempDir(files: Record<string, string> = {}): ReturnType<typeof tempMappingsDir> {
  const tmp = tempMappingsDir(files);
  cleanups.push(tmp.remove);
  return tmp;
}

const carrier = (cause: number): string =>
  customProfile('carrier', 'rfc3398', `sip-to-q850:\n  rows:\n    - { status: 486, cause: ${cause}, source: "operator" }\n`);

describe('MappingStore.reload', () => {
  it('swaps in a valid edit and reports the new version', async () => {
    const tmp = tempDir({ 'profiles/carrier.yaml': carrier(34) });
    const store = await MappingStore.open({ dir: tmp.dir });
    const before = store.current;
    expect(before.sipToQ850(486, 'carrier').cause).toBe(34);

    tmp.write('profiles/carrier.yaml', carrier(41));
    const outcome = await store.reload();
    expect(outcome).toMatchObject({ ok: true, changed: true, previousVersion: before.version, errors: [], message: '' });
    expect(outcome.version).toBe(store.current.version);
    expect(outcome.version).not.toBe(before.version);
    expect(store.current.sipToQ850(486, 'carrier').cause).toBe(41);
    // a caller that captured the old set keeps a consistent view
    expect(before.sipToQ850(486, 'carrier').cause).toBe(34);
  });

  it('refuses a bad edit with file:line messages and keeps the old set in force', async () => {
    const tmp = tempDir({ 'profiles/carrier.yaml': carrier(34) });
    const store = await MappingStore.open({ dir: tmp.dir });
    const before = store.current;

    tmp.write('profiles/carrier.yaml', carrier(300));
    const outcome = await store.reload();
    expect(outcome.ok).toBe(false);
    expect(outcome.version).toBe(before.version);
    expect(outcome.changed).toBe(false);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.message).toMatch(/profiles\/carrier\.yaml:7: sip-to-q850\.rows\[0\]\.cause: expected a Q\.850 cause value 1-127 or "none" \(got 300\)$/);
    expect(store.current).toBe(before);
    expect(store.current.sipToQ850(486, 'carrier').cause).toBe(34);
  });

  it('refuses a set whose edit breaks another file (a removed base)', async () => {
    const tmp = tempDir({ 'profiles/carrier.yaml': carrier(34) });
    const store = await MappingStore.open({ dir: tmp.dir, extraFiles: [tmp.write('extra.yaml', customProfile('extra', 'carrier'))] });
    tmp.write('profiles/carrier.yaml', carrier(34).replace('name: carrier', 'name: carrier2'));
    const outcome = await store.reload();
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/extra\.yaml:3: profile\.base: unknown base profile 'carrier'/);
    expect(store.current.hasProfile('carrier')).toBe(true);
  });

  it('an unchanged reload keeps the version', async () => {
    const tmp = tempDir();
    const store = await MappingStore.open({ dir: tmp.dir });
    const outcome = await store.reload();
    expect(outcome).toMatchObject({ ok: true, changed: false, version: store.current.version });
  });

  it('concurrent reloads run one after the other', async () => {
    let calls = 0;
    let active = 0;
    let maxActive = 0;
    const store = new MappingStore(buildMappingSet(shippedTexts()), async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return buildMappingSet(shippedTexts());
    });
    const outcomes = await Promise.all([store.reload(), store.reload(), store.reload()]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(calls).toBe(3);
    expect(maxActive).toBe(1);
  });

  it('a loader failure that is not a mapping problem rejects (never swallowed)', async () => {
    const store = new MappingStore(buildMappingSet(shippedTexts()), () => Promise.reject(new RangeError('bug')));
    await expect(store.reload()).rejects.toThrow('bug');
    const again = new MappingStore(store.current, () => Promise.reject(new MappingError([{ file: 'f', line: 1, message: 'm' }])));
    await expect(again.reload()).resolves.toMatchObject({ ok: false, message: 'f:1: m' });
  });

  it('open() throws the MappingError of an invalid initial set', async () => {
    const tmp = tempDir({ 'profiles/carrier.yaml': carrier(0) });
    await expect(MappingStore.open({ dir: tmp.dir })).rejects.toBeInstanceOf(MappingError);
  });
});

describe('versions', () => {
  it('are stable: same content, same version, whatever the file order, names, comments or layout', () => {
    const a = buildMappingSet(shippedTexts());
    const texts = shippedTexts().reverse().map((t) => ({ file: `elsewhere/${t.file}`, text: `# a comment\n${t.text}\n\n` }));
    const b = buildMappingSet(texts);
    expect(b.version).toBe(a.version);
    expect(b.profileVersion('rfc3398')).toBe(a.profileVersion('rfc3398'));
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('change with any mapped value, and a base change changes the derived profile version', () => {
    const base = buildMappingSet([...shippedTexts(), { file: 'c.yaml', text: carrier(34) }]);
    const texts = shippedTexts();
    texts[1] = { file: texts[1]!.file, text: texts[1]!.text.replace('{ status: 600, cause: 17,', '{ status: 600, cause: 18,') };
    const edited = buildMappingSet([...texts, { file: 'c.yaml', text: carrier(34) }]);
    expect(edited.version).not.toBe(base.version);
    expect(edited.profileVersion('rfc3398')).not.toBe(base.profileVersion('rfc3398'));
    expect(edited.profileVersion('carrier')).not.toBe(base.profileVersion('carrier'));
    expect(edited.profileVersion('q1912.5')).toBe(base.profileVersion('q1912.5'));
  });

  it('the shipped set loads with the same version from disk and from texts', async () => {
    expect((await loadMappingSet()).version).toBe(buildMappingSet(shippedTexts()).version);
  });
});
