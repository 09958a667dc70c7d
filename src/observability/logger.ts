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

/** Bindings of a child logger, or what makes them on first use. */
export type Bindings = Record<string, unknown>;

/**
 * The Proxy handler of {@link lazyChild}: one small object per child (no closures), the pino child made on the first
 * call at an enabled level.
 */
class LazyChildHandler implements ProxyHandler<Logger> {
  #child: Logger | undefined;
  readonly #parent: Logger;
  readonly #bindings: Bindings | (() => Bindings);

  constructor(parent: Logger, bindings: Bindings | (() => Bindings)) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  get(_target: Logger, prop: string | symbol): unknown {
    const parent = this.#parent;
    if (this.#child === undefined) {
      if (prop === 'isLevelEnabled') return (level: string) => parent.isLevelEnabled(level);
      if ((prop === 'trace' || prop === 'debug' || prop === 'info') && !parent.isLevelEnabled(prop)) return noop;
    }
    const b = this.#bindings;
    const c = (this.#child ??= parent.child(typeof b === 'function' ? b() : b));
    const v: unknown = Reflect.get(c, prop, c);
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(c) : v;
  }
}

/**
 * A child logger made on first use (STYLE.md: children bound to call and leg). A pino child costs a few µs and a few
 * hundred bytes, and most legs never log above the configured level: until something is logged at an enabled level,
 * only the bindings exist (pass them as data where they are known: a function is one more closure per child). Calls
 * below the level are no-ops without making the child.
 */
export function lazyChild(parent: Logger, bindings: Bindings | (() => Bindings)): Logger {
  return new Proxy(parent, new LazyChildHandler(parent, bindings));
}
