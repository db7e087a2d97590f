// The metrics endpoint: a tiny HTTP server answering GET /metrics with the exposition text the
// daemon's registry renders (metrics-registry.ts, prom-client). Off unless ha.cf sets
// tb_metrics_port; bound to 127.0.0.1 unless it names another address.
// The server is bounded (connection-limits.ts): a scraper that floods or holds connections
// costs a few descriptors, never the ones a takeover needs. Touches only its listening socket.
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardConnections, type ConnectionLimits } from './connection-limits.js';
import { directiveDefault } from '../config/directives.js';

// node:http through require, not import: an ESM import makes Node ≥ 22 read every export of
// node:http, its lazy WebSocket getter too, which loads undici, whose HTTP parser is WebAssembly;
// under NODE_FLAGS' --lite-mode there is no WebAssembly and the daemon died at start on Node 22
// ("ReferenceError: WebAssembly is not defined"). test/unit/cli/node-flags.test.ts checks it.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/** Where the endpoint listens unless told otherwise: tb_metrics_port's default, from the directive table. */
export const METRICS_ADDRESS = directiveDefault('metricsAddress');
/** Prometheus text exposition 0.0.4 (prom-client's Registry.PROMETHEUS_CONTENT_TYPE). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsServer {
  /** The port actually bound (useful with port 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsLimits extends ConnectionLimits {
  /** From accept (or the previous response) until the request headers are complete. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection between two scrapes is closed after this long. */
  keepAliveTimeoutMs: number;
}

/** Prometheus needs one connection per scraper; a GET fits in one packet. */
export const METRICS_LIMITS: MetricsLimits = {
  maxConnections: 64,
  idleTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
};

export interface MetricsServerOptions {
  port: number;
  address?: string;
  /** Called per scrape: the current exposition text. */
  render: () => string | Promise<string>;
  /** Default METRICS_LIMITS; the daemon lowers maxConnections when descriptors are scarce. */
  limits?: Partial<MetricsLimits>;
  /** A refused connection or a failed accept (EMFILE): logged, never fatal. */
  onError?: (err: Error) => void;
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const limits: MetricsLimits = { ...METRICS_LIMITS, ...opts.limits };
  const server: Server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often the header and request deadlines are checked (Node's default is 30 s).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    Promise.resolve()
      .then(opts.render)
      .then(
        (body) => {
          res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot render metrics: ${err.message}\n`),
      );
  });
  server.setTimeout(limits.idleTimeoutMs); // Node's own timer: it survives keep-alive resets
  const guard = guardConnections(server, limits, (max) =>
    opts.onError?.(new Error(`metrics: ${max} connections open (the limit), closed a new one at once`)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.address ?? METRICS_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Without a listener an accept error (EMFILE when descriptors run out) would crash the daemon.
  server.on('error', (err) => opts.onError?.(err));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        guard.destroyAll();
      }),
  };
}
