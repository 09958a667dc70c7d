import { pino } from 'pino';
import type { Logger as PinoLogger, DestinationStream, LevelWithSilent } from 'pino';

/** The logger type every layer takes by injection (STYLE.md P14). */
export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where JSON lines go; default stdout. */
  destination?: DestinationStream;
}

/**
 * The root logger: pino JSON lines, with credentials redacted. Layers take `logger.child({ module })` and bind
 * `{ callId, leg, txId }` on their own children.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { app: 'tandem' },
    redact: { paths: ['authorization', 'proxyAuthorization', '*.authorization', '*.proxyAuthorization'], censor: '[redacted]' },
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const noop = (): void => undefined;

/**
 * A child logger made on first use (STYLE.md: children bound to call and leg). A pino child costs a few µs and a few
 * hundred bytes, and most legs never log above the configured level: until something is logged at an enabled level,
 * only the bindings closure exists. Calls below the level are no-ops without making the child.
 */
export function lazyChild(parent: Logger, bindings: () => Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const materialize = (): Logger => (child ??= parent.child(bindings()));
  return new Proxy(parent, {
    get(_target, prop) {
      if (child === undefined) {
        if (prop === 'isLevelEnabled') return (level: string) => parent.isLevelEnabled(level);
        if ((prop === 'trace' || prop === 'debug' || prop === 'info') && !parent.isLevelEnabled(prop)) return noop;
      }
      const c = materialize();
      const v: unknown = Reflect.get(c, prop, c);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(c) : v;
    },
  });
}
