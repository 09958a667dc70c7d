/**
 * The CLI as a user runs it (the built dist/): exit status, stdout, and one-line errors without stack traces.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const torture = (f: string) => new URL(`../conformance/rfc4475/${f}`, import.meta.url).pathname;

function tandem(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, ...(input === undefined ? {} : { input }) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tandem sip parse', () => {
  it('prints a valid message as JSON and exits 0', () => {
    const r = tandem(['sip', 'parse', torture('wsinv.dat')]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { method: string; typed: Record<string, unknown> };
    expect(json.method).toBe('INVITE');
    expect(json.typed['Max-Forwards']).toBe(68);
  });

  it('reads stdin with -', () => {
    const r = tandem(['sip', 'parse', '-'], 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n');
    expect(r.code).toBe(0);
  });

  it('exits 1 with one line naming the line and header for a malformed message', () => {
    const r = tandem(['sip', 'parse', torture('scalar02.dat')]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/line 5, CSeq: .*exceeds 2\^32-1/);
    expect(r.err).not.toMatch(/\s+at /);
  });

  it('says a malformed response would be dropped', () => {
    const r = tandem(['sip', 'parse', torture('bigcode.dat')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dropped/);
  });

  it('treats refusals above the syntax as parsed (505 for an unknown version)', () => {
    expect(tandem(['sip', 'parse', torture('badvers.dat')]).code).toBe(0);
  });

  it('names a missing file in one line', () => {
    const r = tandem(['sip', 'parse', '/nonexistent.sip']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nonexistent\.sip: cannot read \(ENOENT\)/);
  });
});

describe('tandem config', () => {
  it('prints the built-in default, which is itself valid', () => {
    const r = tandem(['config', 'default']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('udp://127.0.0.1:5060');
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    writeFileSync(join(dir, 'd.yaml'), r.out);
    expect(tandem(['config', 'check', join(dir, 'd.yaml')]).code).toBe(0);
  });

  it('lists every error with file, line and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      ['listen:', '  - udp://127.0.0.1:5060', '  - sctp://1.2.3.4', 'trunks:', '  b:', '    to: notauri', '    tusted: true', 'routes:', '  - prefix: "49"', '    trunks: [nope]', ''].join('\n'),
    );
    const r = tandem(['config', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:7: trunks.b.tusted`);
    expect(r.err).not.toMatch(/\s+at /);
    const again = tandem(['config', 'check', file]);
    expect(again.err).toBe(r.err);
  });

  it('reports semantic errors together: bad listen URL, bad URI, unknown trunk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cli-'));
    const file = join(dir, 'bad2.yaml');
    writeFileSync(file, ['listen:', '  - sctp://1.2.3.4', 'trunks:', '  b:', '    to: "sip:"', 'routes:', '  - prefix: "49"', '    trunks: [nope]', ''].join('\n'));
    const r = tandem(['config', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:2: listen.0:`);
    expect(r.err).toContain(`${file}:5: trunks.b.to:`);
    expect(r.err).toContain(`${file}:8: routes.0.trunks.0: unknown trunk 'nope'`);
    expect(r.err).toMatch(/3 problem\(s\)/);
  });

  it('exits 2 on bad usage', () => {
    expect(tandem(['config']).code).toBe(2);
    expect(tandem(['frobnicate']).code).toBe(2);
  });
});
