/**
 * Where each `to` trunk is and whether it answers (brief, issue 3): OPTIONS pings every `routing.optionsInterval`
 * seconds; after `routing.optionsFailures` unanswered (timeout or transport error) pings a trunk is down and routing
 * skips it, until a ping is answered again (any final response counts as alive, RFC 3261 §11).
 *
 *   Up ──N failures──▶ Down ──any answer──▶ Up
 */
import type { Config } from '../config/load.js';
import { HeaderList } from '../sip/header-list.js';
import { SipRequest } from '../sip/message.js';
import { parseUri } from '../sip/uri/parse-uri.js';
import type { SipUri } from '../sip/uri/uri-types.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { Resolver } from '../transport/resolver.js';
import type { Endpoint } from '../transport/transport.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { newBranch, newCallId, newTag } from '../util/ids.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

interface TrunkStatus {
  readonly uri: SipUri;
  isUp: boolean;
  failures: number;
  endpoint: Endpoint | undefined;
}

export class TrunkMonitor {
  readonly #trunks = new Map<string, TrunkStatus>();
  readonly #resolver: Resolver;
  readonly #clock: Clock;
  readonly #config: Config;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  #transactions: TransactionLayer | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;
  #userAgent: string;

  constructor(opts: { config: Config; resolver: Resolver; clock: Clock; logger: Logger; metrics: Metrics }) {
    this.#config = opts.config;
    this.#resolver = opts.resolver;
    this.#clock = opts.clock;
    this.#log = opts.logger.child({ module: 'trunks' });
    this.#metrics = opts.metrics;
    this.#userAgent = opts.config.sip.userAgent;
    for (const [name, t] of Object.entries(opts.config.trunks)) {
      if (t.to === undefined) continue;
      this.#trunks.set(name, { uri: parseUri(t.to) as SipUri, isUp: true, failures: 0, endpoint: undefined });
    }
  }

  /** Where to send a call for `trunk`, or undefined when it is down or cannot be resolved. */
  async endpointOf(trunk: string): Promise<Endpoint | undefined> {
    const s = this.#trunks.get(trunk);
    if (s === undefined || !s.isUp) return undefined;
    if (s.endpoint !== undefined) return s.endpoint;
    try {
      const [first] = await this.#resolver.resolve(s.uri);
      s.endpoint = first;
      return first;
    } catch (err: unknown) {
      this.#log.warn({ err, trunk }, 'trunk address cannot be resolved');
      return undefined;
    }
  }

  isUp(trunk: string): boolean {
    return this.#trunks.get(trunk)?.isUp ?? false;
  }

  /** Starts pinging (no-op when the interval is 0). */
  start(transactions: TransactionLayer): void {
    this.#transactions = transactions;
    if (this.#config.routing.optionsInterval <= 0) return;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimer(this.#config.routing.optionsInterval * 1_000, () => {
      void this.pingAll().finally(() => this.#schedule());
    });
  }

  /** One round of pings toward every `to` trunk that has `ping` on (default). */
  async pingAll(): Promise<void> {
    await Promise.all(
      [...this.#trunks.entries()]
        .filter(([name]) => this.#config.trunks[name]?.ping !== false)
        .map(([name, s]) => this.#ping(name, s)),
    );
  }

  async #ping(name: string, s: TrunkStatus): Promise<void> {
    const tx = this.#transactions;
    if (tx === undefined || this.#closed) return;
    let endpoint: Endpoint | undefined;
    try {
      endpoint = s.endpoint ?? (await this.#resolver.resolve(s.uri))[0];
    } catch {
      endpoint = undefined;
    }
    if (endpoint === undefined) return this.#mark(name, s, false);
    const headers = new HeaderList();
    headers.set('Via', [{ protocol: 'SIP/2.0', transport: 'UDP', host: 'invalid.invalid', branch: newBranch(), params: [] }]);
    headers.set('Max-Forwards', 70);
    const { user: _user, ...rest } = s.uri;
    const target: SipUri = { ...rest, params: [], headers: [] };
    headers.set('From', { uri: { scheme: 'sip', user: 'ping', host: 'tandem.invalid', params: [], headers: [] }, tag: newTag(), params: [], isBracketed: true });
    headers.set('To', { uri: target, params: [], isBracketed: true });
    headers.set('Call-ID', newCallId());
    headers.set('CSeq', { seq: 1, method: 'OPTIONS' });
    headers.setRaw('User-Agent', this.#userAgent);
    const req = new SipRequest({ method: 'OPTIONS', uri: s.uri, headers });
    try {
      await tx.sendNonInvite(req, endpoint).finalResponse;
      this.#mark(name, s, true);
    } catch {
      this.#mark(name, s, false);
    }
  }

  #mark(name: string, s: TrunkStatus, answered: boolean): void {
    if (answered) {
      if (!s.isUp) this.#log.info({ trunk: name }, 'trunk answers again: up');
      s.isUp = true;
      s.failures = 0;
    } else {
      s.failures++;
      if (s.isUp && s.failures >= this.#config.routing.optionsFailures) {
        s.isUp = false;
        this.#log.warn({ trunk: name, failures: s.failures }, 'trunk stopped answering OPTIONS: down');
      }
    }
    this.#metrics.set('tandem_trunk_up', 'Whether a trunk answers OPTIONS (1) or not (0)', s.isUp ? 1 : 0, { trunk: name });
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }
}
