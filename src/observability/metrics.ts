/**
 * A small metrics registry: counters and gauges with labels, rendered as Prometheus text (exposition format
 * 0.0.4). Monitoring only: nothing on the control path reads these values.
 */
type Labels = Readonly<Record<string, string>>;

/** One labelled value; counters bound with {@link Metrics.counter} hold it directly. */
interface Cell {
  value: number;
}

interface Series {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, Cell>;
}

/** A counter series with its labels resolved once (hot paths: no label object or key string per increment). */
export interface Counter {
  /** Adds `by` (default 1). */
  inc(by?: number): void;
}

class BoundCounter implements Counter {
  readonly #attach: () => Cell;
  #cell: Cell | undefined;

  constructor(attach: () => Cell) {
    this.#attach = attach;
  }

  inc(by = 1): void {
    this.#cell ??= this.#attach();
    this.#cell.value += by;
  }
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** Label values are almost always plain: test once instead of running three replacements per increment. */
const escape = (v: string): string =>
  NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;

/**
 * The series key of a label set: `name="value"` pairs in name order. Callers on the call path (a call's end counts
 * by trunk and status) pass their names in order already, so the names are sorted only when they are not, and the
 * pairs are joined without intermediate arrays.
 */
const key = (labels: Labels | undefined): string => {
  if (labels === undefined) return '';
  let names = Object.keys(labels);
  for (let i = 1; i < names.length; i++) {
    if (names[i - 1]! > names[i]!) {
      names = names.sort();
      break;
    }
  }
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    out += `${i === 0 ? '' : ','}${k}="${escape(String(labels[k]))}"`;
  }
  return out;
};

export class Metrics {
  readonly #series = new Map<string, Series>();

  #get(name: string, type: 'counter' | 'gauge', help: string): Series {
    let s = this.#series.get(name);
    if (s === undefined) {
      s = { help, type, values: new Map() };
      this.#series.set(name, s);
    }
    return s;
  }

  #cell(s: Series, k: string): Cell {
    let c = s.values.get(k);
    if (c === undefined) {
      c = { value: 0 };
      s.values.set(k, c);
    }
    return c;
  }

  /** Adds `by` (default 1) to a counter. */
  inc(name: string, help: string, labels?: Labels, by = 1): void {
    this.#cell(this.#get(name, 'counter', help), key(labels)).value += by;
  }

  /**
   * A counter with fixed labels, resolved once: `inc()` on it costs one addition. The series appears in
   * {@link render} from its first increment, as with {@link inc}.
   */
  counter(name: string, help: string, labels?: Labels): Counter {
    const k = key(labels);
    return new BoundCounter(() => this.#cell(this.#get(name, 'counter', help), k));
  }

  /** Sets a gauge. */
  set(name: string, help: string, value: number, labels?: Labels): void {
    this.#cell(this.#get(name, 'gauge', help), key(labels)).value = value;
  }

  /** Current value (0 when never touched). */
  value(name: string, labels?: Labels): number {
    return this.#series.get(name)?.values.get(key(labels))?.value ?? 0;
  }

  /** Prometheus text exposition. */
  render(): string {
    let out = '';
    for (const [name, s] of this.#series) {
      out += `# HELP ${name} ${s.help}\n# TYPE ${name} ${s.type}\n`;
      for (const [k, c] of s.values) out += k === '' ? `${name} ${c.value}\n` : `${name}{${k}} ${c.value}\n`;
    }
    return out;
  }
}
