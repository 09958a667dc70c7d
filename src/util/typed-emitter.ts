import { EventEmitter } from 'node:events';

/** Maps event names to listener argument tuples. */
export type EventMap = Record<string, unknown[]>;

/**
 * EventEmitter typed by an event map (STYLE.md P10). `safeEmit` isolates listener exceptions so that one faulty
 * listener cannot break the control path; what it caught is re-emitted as 'listenerError' on process nextTick.
 */
export class TypedEmitter<E extends EventMap> {
  readonly #ee = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners(): void {
    this.#ee.removeAllListeners();
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#ee.listenerCount(event);
  }

  /** Emits to every listener; an exception in one listener does not stop the others and is reported, not thrown. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.#ee.listeners(event);
    for (const l of listeners) {
      try {
        (l as (...a: unknown[]) => void)(...args);
      } catch (err: unknown) {
        this.onListenerError(event, err);
      }
    }
    return listeners.length > 0;
  }

  /** Hook for subclasses: a listener threw. Default: surface it asynchronously so it is never swallowed. */
  protected onListenerError(event: string, err: unknown): void {
    process.emitWarning(`listener for '${event}' threw: ${String(err)}`, 'TandemListenerError');
  }
}
