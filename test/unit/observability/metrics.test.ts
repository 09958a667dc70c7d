import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/observability/metrics.js';

describe('Metrics label keys', () => {
  it('counts one series whatever order the label names come in, and renders them in name order', () => {
    const m = new Metrics();
    m.inc('calls_total', 'Calls', { trunk: 'b', status: '200' });
    m.inc('calls_total', 'Calls', { status: '200', trunk: 'b' });
    m.inc('calls_total', 'Calls', { status: '486', trunk: 'b' }, 2);
    expect(m.value('calls_total', { trunk: 'b', status: '200' })).toBe(2);
    expect(m.value('calls_total', { status: '486', trunk: 'b' })).toBe(2);
    const lines = m.render().split('\n').filter((l) => l.startsWith('calls_total'));
    expect(lines).toEqual(['calls_total{status="200",trunk="b"} 2', 'calls_total{status="486",trunk="b"} 2']);
  });

  it('sorts three or more names, and escapes quotes, backslashes and newlines in values', () => {
    const m = new Metrics();
    m.inc('x_total', 'X', { c: '1', a: 'q"\\\n', b: '2' });
    expect(m.render()).toContain('x_total{a="q\\"\\\\\\n",b="2",c="1"} 1');
    expect(m.value('x_total', { a: 'q"\\\n', b: '2', c: '1' })).toBe(1);
  });

  it('keys a series without labels apart from one with labels', () => {
    const m = new Metrics();
    m.inc('y_total', 'Y');
    m.inc('y_total', 'Y', { k: 'v' });
    expect(m.value('y_total')).toBe(1);
    expect(m.value('y_total', { k: 'v' })).toBe(1);
  });
});
