// Prometheus metrics (text exposition format 0.0.4) over HTTP: GET /metrics, served from the
// same status report as `twinbeat status --json`, so the two can never disagree. Off unless
// ha.cf sets tb_metrics_port; bound to 127.0.0.1 unless it names another address.
// Metric names are part of the operator contract: only add, never rename.
// The server is bounded (connection-limits.ts): a scraper that floods or holds connections
// costs a few descriptors, never the ones a takeover needs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardConnections, type ConnectionLimits } from './connection-limits.js';
import { ROLE_CODES } from '../protocol/message.js';
import type { StatusReport } from './status-report.js';

export const METRICS_ADDRESS = '127.0.0.1';
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the daemon knows beyond the status report. */
export interface MetricsExtras {
  /** Core events logged since start, by event name (group-started, peer-dead, ...). */
  coreEvents: Record<string, number>;
}

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: { labels: Labels; value: number }[];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

const seconds = (ms: number): number => ms / 1000;
const flag = (b: boolean): number => (b ? 1 : 0);

const ROLES = Object.keys(ROLE_CODES);
const PEER_STATES = ['alive', 'dead', 'unknown'];
const LINK_STATES = ['init', 'up', 'late', 'dead'];

/** One sample per possible value, 1 for the current one (Prometheus "state set"). */
function stateSet(known: readonly string[], current: string, labels: Labels, key: string): { labels: Labels; value: number }[] {
  const values = known.includes(current) ? known : [...known, current];
  return values.map((v) => ({ labels: { ...labels, [key]: v }, value: flag(v === current) }));
}

export function metricFamilies(report: StatusReport, extras: MetricsExtras): Family[] {
  const families: Family[] = [];
  const add = (name: string, type: Family['type'], help: string, samples: Family['samples']) => families.push({ name, type, help, samples });
  const self = { node: report.self.name };

  add('twinbeat_info', 'gauge', 'Constant 1; labels name this node, its peer and the version.', [
    { labels: { node: report.self.name, peer: report.peer.name, version: report.daemon.version }, value: 1 },
  ]);
  add('twinbeat_uptime_seconds', 'gauge', 'Seconds since this daemon started.', [{ labels: {}, value: seconds(report.daemon.uptimeMs) }]);
  add('twinbeat_role', 'gauge', 'Role this node announces: 1 for the current role.', stateSet(ROLES, report.self.role, self, 'role'));
  add('twinbeat_standby', 'gauge', '1 while this node is in operator standby.', [{ labels: self, value: flag(report.self.standby === true) }]);
  const generations = [{ labels: { node: report.self.name }, value: report.self.generation ?? 0 }];
  if (report.peer.generation !== null) generations.push({ labels: { node: report.peer.name }, value: report.peer.generation });
  add('twinbeat_generation', 'gauge', 'Boot counter of each node (the peer\'s as last heard).', generations);
  add('twinbeat_peer_alive', 'gauge', '1 while any link hears the peer.', [{ labels: { peer: report.peer.name }, value: flag(report.peer.state === 'alive') }]);
  add('twinbeat_peer_state', 'gauge', 'Peer state: 1 for the current one.', stateSet(PEER_STATES, report.peer.state, { peer: report.peer.name }, 'state'));
  if (report.peer.lastHeardAgeMs !== null) {
    add('twinbeat_peer_last_heard_seconds', 'gauge', 'Seconds since any accepted frame from the peer.', [{ labels: { peer: report.peer.name }, value: seconds(report.peer.lastHeardAgeMs) }]);
  }
  if (report.configDigest.match !== null) {
    add('twinbeat_config_digest_match', 'gauge', '1 if the peer runs the same shared configuration (absent until it is heard).', [
      { labels: { digest: report.configDigest.self }, value: flag(report.configDigest.match) },
    ]);
  }

  const links = report.links;
  add('twinbeat_link_up', 'gauge', '1 while the peer is heard on the link in time (state up).', links.map((l) => ({ labels: { link: l.name, kind: l.kind }, value: flag(l.state === 'up') })));
  add('twinbeat_link_state', 'gauge', 'Link liveness: 1 for the current state.', links.flatMap((l) => stateSet(LINK_STATES, l.state, { link: l.name }, 'state')));
  add('twinbeat_link_medium_up', 'gauge', '0 while the medium itself is down (device missing, socket error).', links.map((l) => ({ labels: { link: l.name }, value: flag(l.mediumDown === null) })));
  add('twinbeat_link_last_heard_seconds', 'gauge', 'Seconds since the peer was last heard on the link (absent if never).',
    links.filter((l) => l.lastHeardAgeMs !== null).map((l) => ({ labels: { link: l.name }, value: seconds(l.lastHeardAgeMs!) })));
  add('twinbeat_link_frames_sent_total', 'counter', 'Frames sent on the link.', links.map((l) => ({ labels: { link: l.name }, value: l.framesSent })));
  add('twinbeat_link_frames_received_total', 'counter', 'Frames received on the link (before decoding).', links.map((l) => ({ labels: { link: l.name }, value: l.framesReceived })));
  add('twinbeat_link_drops_total', 'counter', 'Frames dropped on the link, by reason.',
    links.flatMap((l) => Object.entries(l.drops).map(([reason, n]) => ({ labels: { link: l.name, reason }, value: n }))));

  const groups = report.groups;
  add('twinbeat_group_held', 'gauge', '1 while the group is started, running or stopping on this node.', groups.map((g) => ({ labels: { group: g.key }, value: flag(g.phase !== 'stopped') })));
  add('twinbeat_groups_held', 'gauge', 'Groups started, running or stopping on this node.', [{ labels: {}, value: groups.filter((g) => g.phase !== 'stopped').length }]);
  add('twinbeat_group_no_eligible_holder', 'gauge', '1 while nobody may hold the group (this node not eligible, the peer dead, in standby or declining it).',
    groups.map((g) => ({ labels: { group: g.key }, value: flag(g.noEligibleHolder !== null) })));
  const resources = groups.flatMap((g) => g.resources.map((r) => ({ group: g.key, ...r })));
  add('twinbeat_resource_running', 'gauge', '1 while the resource runs on this node.', resources.map((r) => ({ labels: { group: r.group, resource: r.id }, value: flag(r.state === 'running') })));
  add('twinbeat_resource_monitor_failures', 'gauge', 'Consecutive tb_monitor failures.', resources.map((r) => ({ labels: { resource: r.id }, value: r.monitorFailures })));
  add('twinbeat_resource_restarts', 'gauge', 'Local restarts by tb_monitor while the group has been here.', resources.map((r) => ({ labels: { resource: r.id }, value: r.restarts })));
  add('twinbeat_core_events_total', 'counter', 'Core events since start, by the event name in the log (group-started, peer-dead, ...).',
    Object.entries(extras.coreEvents).map(([event, n]) => ({ labels: { event }, value: n })));
  return families;
}

/** The exposition text: HELP and TYPE for every family, then its samples. */
export function renderMetrics(report: StatusReport, extras: MetricsExtras): string {
  const lines: string[] = [];
  for (const f of metricFamilies(report, extras)) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${labelText(s.labels)} ${s.value}`);
  }
  return lines.join('\n') + '\n';
}

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
  render: () => string;
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
    let body: string;
    try {
      body = opts.render();
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot render metrics: ${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
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
