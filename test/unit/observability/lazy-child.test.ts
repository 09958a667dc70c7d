import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChild } from '../../../src/observability/logger.js';

function capture(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level }, dest), lines };
}

describe('lazyChild', () => {
  it('makes no child while only disabled levels are used, then logs with its bindings', async () => {
    const { logger, lines } = capture('info');
    let made = 0;
    const log = lazyChild(logger, () => {
      made++;
      return { leg: 'in', callId: 'c1' };
    });
    log.debug({ x: 1 }, 'not written');
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(made).toBe(0);
    log.warn({ y: 2 }, 'written');
    log.info('again');
    await new Promise((r) => setImmediate(r));
    expect(made).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ leg: 'in', callId: 'c1', y: 2, msg: 'written' });
    expect(lines[1]).toMatchObject({ leg: 'in', callId: 'c1', msg: 'again' });
  });
});
