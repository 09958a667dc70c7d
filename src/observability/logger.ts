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
