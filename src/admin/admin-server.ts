/**
 * The admin HTTP listener (brief, issue 3): `GET /healthz`, `GET /calls` (calls in progress as JSON),
 * `GET /metrics` (Prometheus text), `POST /mappings/reload` (issue 4: validates the whole new set, swaps it
 * atomically or keeps the old one, and says which). Loopback by default; nothing here is on the call path.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observability/logger.js';

export interface AdminHandlers {
  health(): { status: 'ok' | 'draining'; calls: number };
  calls(): unknown[];
  metrics(): string;
  reloadMappings(): Promise<{ ok: boolean; version: string; message: string }>;
}

export class AdminServer {
  readonly #server: Server;
  readonly #log: Logger;
  #closing: Promise<void> | undefined;

  constructor(handlers: AdminHandlers, logger: Logger) {
    this.#log = logger.child({ module: 'admin' });
    this.#server = createServer((req, res) => {
      this.#handle(handlers, req, res).catch((err: unknown) => {
        this.#log.error({ err }, 'admin request failed');
        send(res, 500, { error: 'internal error' });
      });
    });
    this.#server.on('error', (err) => this.#log.warn({ err }, 'admin listener error'));
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as AddressInfo;
  }

  async #handle(h: AdminHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, h.health());
    if (req.method === 'GET' && path === '/calls') return send(res, 200, h.calls());
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(h.metrics());
      return;
    }
    if (req.method === 'POST' && path === '/mappings/reload') {
      req.resume();
      const outcome = await h.reloadMappings();
      return send(res, outcome.ok ? 200 : 422, outcome);
    }
    send(res, 404, { error: `no ${req.method ?? ''} ${path ?? ''}` });
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}
