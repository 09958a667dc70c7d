import { describe, expect, it } from 'vitest';
import { computeCdrStats, formatCdrStats } from '../../../src/cdr/stats.js';
import { T0, answeredCdr, busyCdr, minimalCdr } from './cdr-fixtures.js';

describe('cdr stats (E.411/E.425 ASR and NER, ACD, PDD)', () => {
  const records = [
    answeredCdr({ id: '1' }), // answered after a 503 on carrier-c; 60 s; PDD 1,250
    answeredCdr({ id: '2', answerTime: T0 + 35_432, durationMs: 30_000, attempts: [{ trunk: 'carrier-b', callId: 'x', startTime: T0, finalStatus: 200 }] }),
    busyCdr({ id: '3' }), // 486 / cause 17: effective for NER
    busyCdr({ id: '4', finalStatus: 480, q850Cause: undefined, pddMs: undefined }), // no cause: status 480 counts (SEER)
    busyCdr({ id: '5', finalStatus: 503, q850Cause: 34 }), // network congestion: not effective
    minimalCdr({ id: '6' }), // admission reject, no trunk tried
  ];

  it('totals: one seizure per CDR', async () => {
    const { total } = await computeCdrStats(records);
    expect(total.seizures).toBe(6);
    expect(total.answered).toBe(2);
    expect(total.asr).toBeCloseTo(2 / 6);
    expect(total.ner).toBeCloseTo(4 / 6);
    expect(total.acdS).toBeCloseTo(45);
    expect(total.pdd).toEqual({ count: 4, meanMs: (1_250 * 2 + 400 * 2) / 4, p50Ms: 400, p90Ms: 1_250, p99Ms: 1_250 });
    expect(total.causes).toEqual([
      { cause: '16', count: 2 },
      { cause: '17', count: 1 },
      { cause: '34', count: 1 },
      { cause: '-', count: 2 },
    ].sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause)));
  });

  it('--by trunk: one seizure per egress attempt', async () => {
    const { byTrunk } = await computeCdrStats(records, 'trunk');
    expect(Object.keys(byTrunk!)).toEqual(['-', 'carrier-b', 'carrier-c']);
    expect(byTrunk!['carrier-c']).toMatchObject({ seizures: 1, answered: 0, ner: 0, causes: [{ cause: '41', count: 1 }] });
    expect(byTrunk!['carrier-b']).toMatchObject({ seizures: 5, answered: 2 });
    expect(byTrunk!['carrier-b']!.acdS).toBeCloseTo(45);
    expect(byTrunk!['-']).toMatchObject({ seizures: 1, answered: 0 });
  });

  it('formats a readable report; empty input gives dashes', async () => {
    const text = formatCdrStats(await computeCdrStats(records, 'trunk'));
    expect(text).toContain('ASR 33.3%  NER 66.7%  ACD 45.0 s');
    expect(text).toContain('trunk carrier-c');
    expect(formatCdrStats(await computeCdrStats([]))).toContain('ASR -  NER -  ACD - s');
  });
});
