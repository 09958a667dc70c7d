/**
 * The `limits` section: admission limits and the overload check (limits.maxInputDelay), their defaults, and a bad
 * value refused with file, line and path.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfigText } from '../../../src/config/load.js';

const BASE = ['listen: [udp://127.0.0.1:5060]', 'trunks:', '  b: { to: "sip:127.0.0.1:5080" }', 'routes: [{ prefix: "", trunks: [b] }]'];

describe('limits', () => {
  it('defaults: 50,000 calls, 5,000 calls/s, Retry-After 5 s, overload at input waiting 100 ms', () => {
    const c = loadConfigText(BASE.join('\n'), 't.yaml');
    expect(c.limits).toEqual({ maxCalls: 50_000, callsPerSecond: 5_000, retryAfter: 5, maxInputDelay: 100 });
  });

  it('maxInputDelay: 0 turns the overload check off; a negative or fractional value is refused with file, line and path', () => {
    expect(loadConfigText([...BASE, 'limits: { maxInputDelay: 0 }'].join('\n'), 't.yaml').limits.maxInputDelay).toBe(0);
    for (const bad of ['-1', '2.5', '"fast"', '60001']) {
      try {
        loadConfigText([...BASE, 'limits:', `  maxInputDelay: ${bad}`].join('\n'), 't.yaml');
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).message).toContain('t.yaml:6: limits.maxInputDelay');
      }
    }
  });
});
