/**
 * `tandem cdr stats`: traffic quality figures over a set of CDRs.
 *
 * - ASR, answer seizure ratio (ITU-T E.411, E.425): seizures resulting in an answer ÷ seizures.
 * - NER, network effectiveness ratio (ITU-T E.411 / E.425): seizures resulting in an answer *or* in a failure
 *   caused by the called user rather than the network — user busy (Q.850 cause 17), no user responding (18),
 *   no answer from user, user alerted (19), call rejected (21) — ÷ seizures. It measures the network's ability to
 *   deliver calls, independent of user behaviour. When a CDR has no Q.850 cause the final SIP status stands in, as
 *   RFC 6076 §4.7's SEER does (480, 486, 600, 603 count as effective).
 * - ACD, average call duration: total conversation time of answered seizures ÷ answered seizures (seconds).
 * - PDD, post-dial delay (cf. RFC 6076 §4.3, session request delay): mean and percentiles (nearest rank) of `pddMs`.
 * - Cause distribution: seizures per Q.850 cause (`-` when none was recorded).
 *
 * Totals count one seizure per CDR (per call attempt at the ingress). `--by trunk` counts one seizure per egress
 * attempt on each trunk (a call that tried two trunks seized both), the answer, duration and PDD going to the trunk
 * that answered or gave the final response; CDRs that tried no trunk (e.g. admission rejects) count under `-`.
 */
import type { CdrRecord } from './cdr-record.js';

/** Q.850 causes that count as effective for NER besides answered calls (E.425). */
export const NER_USER_CAUSES: readonly number[] = Object.freeze([17, 18, 19, 21]);
/** SIP statuses that count as effective when no cause was recorded (RFC 6076 §4.7). */
export const NER_USER_STATUSES: readonly number[] = Object.freeze([480, 486, 600, 603]);

/** Post-dial delay summary, ms. */
export interface PddSummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

/** Figures over one group of seizures. */
export interface CdrStats {
  readonly seizures: number;
  readonly answered: number;
  /** 0..1 (NaN when there are no seizures). */
  readonly asr: number;
  /** 0..1 (NaN when there are no seizures). */
  readonly ner: number;
  /** Seconds (NaN when nothing was answered). */
  readonly acdS: number;
  readonly pdd: PddSummary | undefined;
  /** Seizures per Q.850 cause (`-` when none), by descending count. */
  readonly causes: readonly { readonly cause: string; readonly count: number }[];
}

/** Totals and, when asked for, figures per trunk. */
export interface CdrStatsReport {
  readonly total: CdrStats;
  readonly byTrunk?: Readonly<Record<string, CdrStats>>;
}

interface Observation {
  readonly answered: boolean;
  readonly cause: number | undefined;
  readonly status: number | undefined;
  readonly durationMs: number | undefined;
  readonly pddMs: number | undefined;
}

class Accumulator {
  seizures = 0;
  answered = 0;
  effective = 0;
  durationMs = 0;
  readonly pdds: number[] = [];
  readonly causes = new Map<string, number>();

  add(o: Observation): void {
    this.seizures++;
    if (o.answered) {
      this.answered++;
      this.effective++;
      this.durationMs += o.durationMs ?? 0;
    } else if (o.cause !== undefined ? NER_USER_CAUSES.includes(o.cause) : o.status !== undefined && NER_USER_STATUSES.includes(o.status)) {
      this.effective++;
    }
    if (o.pddMs !== undefined) this.pdds.push(o.pddMs);
    const key = o.cause === undefined ? '-' : String(o.cause);
    this.causes.set(key, (this.causes.get(key) ?? 0) + 1);
  }

  result(): CdrStats {
    const sorted = [...this.pdds].sort((a, b) => a - b);
    const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
    return {
      seizures: this.seizures,
      answered: this.answered,
      asr: this.answered / this.seizures,
      ner: this.effective / this.seizures,
      acdS: this.durationMs / 1000 / this.answered,
      pdd:
        sorted.length === 0
          ? undefined
          : { count: sorted.length, meanMs: sorted.reduce((a, b) => a + b, 0) / sorted.length, p50Ms: rank(0.5), p90Ms: rank(0.9), p99Ms: rank(0.99) },
      causes: [...this.causes].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause)),
    };
  }
}

const isAnswer = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

/** Computes the figures over CDRs (any iterable, sync or async). */
export async function computeCdrStats(records: AsyncIterable<CdrRecord> | Iterable<CdrRecord>, by?: 'trunk'): Promise<CdrStatsReport> {
  const total = new Accumulator();
  const trunks = new Map<string, Accumulator>();
  const trunk = (name: string): Accumulator => {
    let a = trunks.get(name);
    if (a === undefined) trunks.set(name, (a = new Accumulator()));
    return a;
  };
  for await (const r of records) {
    const answered = r.answerTime !== undefined;
    total.add({ answered, cause: r.q850Cause, status: r.finalStatus, durationMs: r.durationMs, pddMs: r.pddMs });
    if (by !== 'trunk') continue;
    if (r.attempts.length === 0) {
      trunk('-').add({ answered, cause: r.q850Cause, status: r.finalStatus, durationMs: r.durationMs, pddMs: r.pddMs });
      continue;
    }
    const last = r.attempts.length - 1;
    r.attempts.forEach((a, i) => {
      const final = i === last;
      const attemptAnswered = final ? answered : isAnswer(a.finalStatus);
      trunk(a.trunk).add({
        answered: attemptAnswered,
        cause: a.q850Cause ?? (final ? r.q850Cause : undefined),
        status: a.finalStatus ?? (final ? r.finalStatus : undefined),
        durationMs: final ? r.durationMs : undefined,
        pddMs: final ? r.pddMs : undefined,
      });
    });
  }
  const report: { total: CdrStats; byTrunk?: Record<string, CdrStats> } = { total: total.result() };
  if (by === 'trunk') report.byTrunk = Object.fromEntries([...trunks].sort(([a], [b]) => a.localeCompare(b)).map(([k, a]) => [k, a.result()]));
  return report;
}

const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number, digits = 1): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));

function block(title: string, s: CdrStats): string {
  const lines = [
    `${title}`,
    `  seizures ${s.seizures}  answered ${s.answered}`,
    `  ASR ${pct(s.asr)}  NER ${pct(s.ner)}  ACD ${num(s.acdS)} s`,
    s.pdd === undefined
      ? '  PDD -'
      : `  PDD mean ${num(s.pdd.meanMs, 0)} ms  p50 ${s.pdd.p50Ms} ms  p90 ${s.pdd.p90Ms} ms  p99 ${s.pdd.p99Ms} ms  (n=${s.pdd.count})`,
    `  causes ${s.causes.length === 0 ? '-' : s.causes.map((c) => `${c.cause}:${c.count}`).join(' ')}`,
  ];
  return lines.join('\n');
}

/** The report as text, one block for the totals and one per trunk. */
export function formatCdrStats(report: CdrStatsReport): string {
  const parts = [block('total', report.total)];
  for (const [name, s] of Object.entries(report.byTrunk ?? {})) parts.push(block(`trunk ${name}`, s));
  return parts.join('\n');
}
