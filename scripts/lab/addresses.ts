// The lab's fixed addressing plan. Every lab lives in its own namespaces and bridge, so parallel
// labs can reuse the same addresses without ever seeing each other.

export const LAB_NET = {
  /** Node alpha, node bravo, the client and the ping target (split-brain tests) on one /24. */
  alpha: '10.77.0.1',
  bravo: '10.77.0.2',
  client: '10.77.0.10',
  pingTarget: '10.77.0.254',
  prefixLength: 24,
  /** The service address the cluster moves between the nodes. */
  floating: '10.77.0.100',
  /** Interface name of each node's (and the client's) LAN port inside its namespace. */
  lanIf: 'eth0',
  /** Heartbeat's UDP port. */
  udpport: 694,
  /** The echo service every node runs (scripts/lab/echo-service.ts). */
  echoPort: 7777,
  /** Where each daemon serves Prometheus metrics (127.0.0.1 in its namespace) with `metrics: true`. */
  metricsPort: 9464,
} as const;

/**
 * The lab's IPv6 plan (ULA, used only with the lab's `ipv6` option): the same hosts on one /64,
 * added with `nodad` so they are usable at once, and an IPv6 floating address.
 */
export const LAB_NET6 = {
  alpha: 'fd00:77::1',
  bravo: 'fd00:77::2',
  client: 'fd00:77::10',
  prefixLength: 64,
  floating: 'fd00:77::100',
} as const;
