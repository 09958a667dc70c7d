/**
 * A real redis-server for the redis tier (STYLE.md §4): started on a free loopback port with an append-only file
 * fsynced on every write (`--appendonly yes --appendfsync always`), RDB snapshots off, in a temp directory. It can
 * be killed with SIGKILL and restarted from its AOF on the same port. With REDIS_URL set, that server is used
 * instead and the kill/restart tests are skipped.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** False when REDIS_URL points at a server we did not start (no kill/restart then). */
  readonly isOwned: boolean;
  /** kill -9, and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and directory (it loads its AOF) and waits until it answers PING. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true on +PONG (false on LOADING, refused, timeout). */
function ping(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Waits until the server answers PING, at most `ms`. */
export async function waitForPing(port: number, ms = 10_000, host = '127.0.0.1'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ping(port, host)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on port ${port} did not answer within ${ms} ms`);
}

/** Options of `startRedis`. */
export interface StartRedisOptions {
  /** AOF fsync policy (default `always`: nothing acknowledged is lost to a kill -9). */
  readonly appendfsync?: 'always' | 'everysec';
}

/** Starts a redis-server (or adopts REDIS_URL). */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const external = process.env['REDIS_URL'];
  if (external !== undefined && external !== '') {
    const u = new URL(external);
    const port = Number(u.port || 6379);
    await waitForPing(port, 10_000, u.hostname);
    const noKill = (): Promise<void> => Promise.reject(new Error('REDIS_URL is set: cannot kill or restart that server'));
    return { url: external, port, isOwned: false, kill9: noKill, restart: noKill, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tandem-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', opts.appendfsync ?? 'always', '--dir', dir, '--save', ''];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const c = spawn('redis-server', args, { stdio: 'ignore' });
    child = c;
    await waitForPing(port);
  };
  const kill9 = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    isOwned: true,
    kill9,
    restart: launch,
    stop: async () => {
      await kill9();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
