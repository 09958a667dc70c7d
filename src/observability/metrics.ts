/**
 * A small metrics registry: counters and gauges with labels, rendered as Prometheus text (exposition format
 * 0.0.4). Monitoring only: nothing on the control path reads these values.
 */
type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, number>;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const key = (labels: Labels | undefined): string => {
  if (labels === undefined) return '';
  const names = Object.keys(labels);
  if (names.length === 1) return `${names[0]!}="${escape(String(labels[names[0]!]))}"`;
  return names
    .sort()
    .map((k) => `${k}="${escape(String(labels[k]))}"`)
    .join(',');
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

  /** Adds `by` (default 1) to a counter. */
  inc(name: string, help: string, labels?: Labels, by = 1): void {
    const s = this.#get(name, 'counter', help);
    const k = key(labels);
    s.values.set(k, (s.values.get(k) ?? 0) + by);
  }

  /** Sets a gauge. */
  set(name: string, help: string, value: number, labels?: Labels): void {
    this.#get(name, 'gauge', help).values.set(key(labels), value);
  }

  /** Current value (0 when never touched). */
  value(name: string, labels?: Labels): number {
    return this.#series.get(name)?.values.get(key(labels)) ?? 0;
  }

  /** Prometheus text exposition. */
  render(): string {
    let out = '';
    for (const [name, s] of this.#series) {
      out += `# HELP ${name} ${s.help}\n# TYPE ${name} ${s.type}\n`;
      for (const [k, v] of s.values) out += k === '' ? `${name} ${v}\n` : `${name}{${k}} ${v}\n`;
    }
    return out;
  }
}
