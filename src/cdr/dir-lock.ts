/**
 * An exclusive, crash-tolerant lock on a directory: a `lock` file created with O_EXCL that holds `pid@host`.
 * A lock whose process is gone (same host, pid not alive) is stale and taken over, so a kill -9 never leaves a
 * directory locked. A lock held by another host cannot be checked and is respected.
 */
import { unlinkSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** Directories locked by this process (the file alone cannot tell two holders in one process apart). */
const held = new Set<string>();

/** Why a lock could not be taken. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

/** A held lock. */
export interface DirLock {
  readonly path: string;
  /** Removes the lock file. Idempotent. */
  release(): Promise<void>;
  /** Forgets the lock without touching the file: what a crash does (tests). @internal */
  abandonForTesting(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function parseHolder(text: string): LockHolder | undefined {
  const m = /^(\d+)@(.*)$/.exec(text.trim());
  return m === null ? undefined : { pid: Number(m[1]), host: m[2] ?? '' };
}

/**
 * Tries once to lock `dir` (file `dir/<name>`). Returns the lock, or the live holder when someone else has it.
 * @throws the file-system error when the lock file cannot be created for another reason.
 */
export async function tryLockDir(dir: string, name = 'lock'): Promise<DirLock | LockHolder> {
  const path = join(dir, name);
  const key = resolve(path);
  if (held.has(key)) return { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await writeFile(path, `${process.pid}@${hostname()}`, { flag: 'wx' });
      held.add(key);
      let released = false;
      return {
        path,
        release: async () => {
          if (released) return;
          released = true;
          held.delete(key);
          await unlink(path).catch((err: unknown) => {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          });
        },
        abandonForTesting: () => {
          released = true;
          held.delete(key);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = parseHolder(await readFile(path, 'utf8').catch(() => ''));
    if (holder !== undefined && (holder.host !== hostname() || (holder.pid !== process.pid && isAlive(holder.pid)))) {
      return holder;
    }
    // Stale (its process is gone) or unreadable (a crash between create and write): take it over.
    try {
      unlinkSync(path);
    } catch {
      // someone else took it over first; try again
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

/** True when the value is a held lock rather than a holder. */
export function isDirLock(v: DirLock | LockHolder): v is DirLock {
  return 'release' in v;
}
