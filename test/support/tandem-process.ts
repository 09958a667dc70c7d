/**
 * Starts `tandem run` as a real process (the built dist/, as `npm start` runs it) with a configuration written to a
 * temp file, waits until it reports its listening sockets, and stops it with SIGTERM. Used by the interop tier.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ListeningSocket {
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
}

export interface TandemProcess {
  readonly sockets: readonly ListeningSocket[];
  readonly logs: () => readonly Record<string, unknown>[];
  port(protocol: ListeningSocket['protocol']): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

export async function startTandem(configYaml: string | undefined, timeoutMs = 15_000): Promise<TandemProcess> {
  const args = [CLI, 'run', '--log-level', 'debug'];
  if (configYaml !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-cfg-'));
    const file = join(dir, 'tandem.yaml');
    // Parallel test processes must not fight over the admin port: unless the test chose one, bind an ephemeral one.
    writeFileSync(file, /^admin:/m.test(configYaml) ? configYaml : `${configYaml}\nadmin: { listen: "127.0.0.1:0" }\n`);
    args.push('--config', file);
  }
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const sockets = await new Promise<ListeningSocket[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tandem did not report listening within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      partial += d.toString();
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          if (logs.length < 50_000) logs.push(rec);
          if (rec['msg'] === 'listening' && Array.isArray(rec['sockets'])) {
            clearTimeout(timer);
            resolve(rec['sockets'] as ListeningSocket[]);
          }
        } catch {
          // not JSON: ignore
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tandem exited with ${String(code)} before listening; stderr: ${stderr}`));
    });
  });
  return {
    sockets,
    logs: () => logs,
    port(protocol) {
      const s = sockets.find((x) => x.protocol === protocol);
      if (s === undefined) throw new Error(`tandem has no ${protocol} socket`);
      return s.port;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
