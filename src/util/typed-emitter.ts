/** Maps event names to listener argument tuples. */
export type EventMap = Record<string, unknown[]>;

type Listener = (...args: unknown[]) => void;

/** A `once` listener: the wrapper that runs, and the listener it stands for (so `off(listener)` finds it). */
interface OnceWrapper extends Listener {
  readonly listener: Listener;
}

/**
 * EventEmitter typed by an event map (STYLE.md P10). `safeEmit` isolates listener exceptions so that one faulty
 * listener cannot break the control path; what it caught is reported through {@link onListenerError}.
 *
 * Hot path (every transaction and leg is one): nothing is allocated until the first listener is added; the listener
 * arrays are copy-on-write (on/off build a new array, emit iterates the one it found), so emitting never copies and
 * a listener added or removed during an emit takes effect from the next emit, as with node:events.
 */
export class TypedEmitter<E extends EventMap> {
  #listeners: Map<string, readonly Listener[]> | undefined;

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#add(event, listener as Listener);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    const inner = listener as Listener;
    let fired = false;
    const wrapper = ((...args: unknown[]): void => {
      if (fired) return;
      fired = true;
      this.#remove(event, wrapper);
      inner(...args);
    }) as OnceWrapper;
    (wrapper as { listener: Listener }).listener = inner;
    this.#add(event, wrapper);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#remove(event, listener as Listener);
    return this;
  }

  removeAllListeners(): void {
    this.#listeners = undefined;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#listeners?.get(event)?.length ?? 0;
  }

  /** Emits to every listener; an exception in one listener does not stop the others and is reported, not thrown. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.#listeners?.get(event);
    if (listeners === undefined) return false;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!(...args);
      } catch (err: unknown) {
        this.onListenerError(event, err);
      }
    }
    return true;
  }

  /** Hook for subclasses: a listener threw. Default: surface it asynchronously so it is never swallowed. */
  protected onListenerError(event: string, err: unknown): void {
    process.emitWarning(`listener for '${event}' threw: ${String(err)}`, 'TandemListenerError');
  }

  #add(event: string, listener: Listener): void {
    this.#listeners ??= new Map();
    const current = this.#listeners.get(event);
    this.#listeners.set(event, current === undefined ? [listener] : [...current, listener]);
  }

  /** Removes the most recently added registration of `listener` (as node:events does). */
  #remove(event: string, listener: Listener): void {
    const current = this.#listeners?.get(event);
    if (current === undefined) return;
    for (let i = current.length - 1; i >= 0; i--) {
      const l = current[i]!;
      if (l === listener || (l as Partial<OnceWrapper>).listener === listener) {
        if (current.length === 1) {
          this.#listeners!.delete(event);
          // The last listener gone, the map goes too: an emitter that outlives its listeners (a lingering
          // transaction) holds nothing for them.
          if (this.#listeners!.size === 0) this.#listeners = undefined;
        } else this.#listeners!.set(event, [...current.slice(0, i), ...current.slice(i + 1)]);
        return;
      }
    }
  }
}
