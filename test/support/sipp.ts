/**
 * Runs SIPp (Debian `sip-tester`) as an independent peer: a scenario file, a bounded number of calls and a hard
 * time limit, so that no test can hang. Returns SIPp's exit status and what it wrote about failed calls.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SippOptions {
  /** Scenario XML path, or a built-in scenario name with `builtin: true`. */
  readonly scenario: string;
  readonly builtin?: boolean;
  /** `host:port` of the target (UAC mode); omitted for a UAS. */
  readonly target?: string;
  readonly transport?: 'u1' | 'un' | 't1' | 'tn';
  /** Local port SIPp binds (0 = let SIPp choose). */
  readonly localPort?: number;
  readonly calls?: number;
  /** Calls per second. */
  readonly rate?: number;
  /** Hard limit for the whole run, seconds. */
  readonly timeoutSeconds?: number;
  readonly extraArgs?: readonly string[];
}

export interface SippResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Contents of SIPp's error file (why calls failed). */
  readonly errors: string;
}

export interface SippProcess {
  readonly done: Promise<SippResult>;
  /** The local port SIPp listens on. */
  readonly port: number;
  kill(): void;
}

/** A port free on 127.0.0.1 for both UDP and TCP at the time of the call (SIPp binds both). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const tcp = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, '127.0.0.1', () => resolve((tcp.address() as AddressInfo).port));
    });
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((r) => tcp.close(() => r()));
    if (ok) {
      await new Promise<void>((r) => udp.close(() => r()));
      return port;
    }
  }
  throw new Error('no free port found');
}

export async function startSipp(opts: SippOptions): Promise<SippProcess> {
  const localPort = opts.localPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tandem-sipp-'));
  const timeout = opts.timeoutSeconds ?? 30;
  const args = [
    ...(opts.builtin === true ? ['-sn', opts.scenario] : ['-sf', opts.scenario]),
    '-i', '127.0.0.1',
    '-p', String(localPort),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls ?? 1),
    '-r', String(opts.rate ?? 10),
    '-timeout', `${timeout}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_err',
    '-error_file', join(dir, 'errors.log'),
  ];
  if (opts.extraArgs !== undefined) args.push(...opts.extraArgs);
  if (opts.target !== undefined) args.push(opts.target);
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.length > 200_000) stdout = stdout.slice(-100_000);
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), (timeout + 10) * 1_000);
  const done = new Promise<SippResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      let errors = '';
      try {
        errors = readdirSync(dir)
          .filter((f) => f.includes('errors'))
          .map((f) => readFileSync(join(dir, f), 'utf8'))
          .join('\n');
      } catch {
        errors = '';
      }
      resolve({ exitCode: code, stdout, stderr, errors });
    });
  });
  return { done, port: localPort, kill: () => child.kill('SIGTERM') };
}

export async function runSipp(opts: SippOptions): Promise<SippResult> {
  return (await startSipp(opts)).done;
}
