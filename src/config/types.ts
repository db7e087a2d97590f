// The parsed, validated configuration of one node: what src/config produces from a config
// directory (ha.cf, haresources, authkeys) and every other layer consumes. Types only.

export type Origin = { file: string; line: number } | 'default';

export type Medium =
  | { kind: 'ucast'; dev: string; peer: string; origin: Origin }
  | { kind: 'bcast'; dev: string; origin: Origin }
  | { kind: 'mcast'; dev: string; group: string; port: number; ttl: number; loop: boolean; origin: Origin }
  | { kind: 'serial'; device: string; baud: number; origin: Origin };

export type AuthMethod = 'crc' | 'md5' | 'sha1' | 'sha256';

export interface AuthKey {
  index: number;
  method: AuthMethod;
  /** Empty for crc. */
  key: string;
}

export interface AuthConfig {
  /** The `auth N` index used to sign outgoing frames. */
  signIndex: number;
  /** Every listed key; all are accepted on input (rollover). */
  keys: AuthKey[];
}

export interface ResourceSpec {
  /** As written after expansion, e.g. `IPaddr::10.0.0.100/24/eth0` (the id in status). */
  id: string;
  /** Script name, e.g. `IPaddr`; for the prefixed classes `ocf:PROVIDER:TYPE` or `systemd:UNIT`. */
  script: string;
  /** Positional `::` arguments (NAME=VALUE parameters for `ocf:` names). */
  args: string[];
  /** Absolute path the script was resolved to at load time (systemctl for `systemd:` units). */
  path: string;
  /**
   * Convention the script follows: heartbeat (resource.d), lsb (init.d), ocf (an `ocf:` name or
   * a resource.d script that declares itself), systemd (a `systemd:` name, run through systemctl).
   */
  class: 'heartbeat' | 'lsb' | 'ocf' | 'systemd';
}

export interface ResourceGroupConfig {
  /** Preferred node (first word of the haresources line). */
  owner: string;
  /** Key = id of the first resource. */
  key: string;
  resources: ResourceSpec[];
  origin: Origin;
}

export interface Config {
  /** The config directory it came from. */
  dir: string;
  /** This node (uname -n or --node) and the other one. */
  self: string;
  peer: string;
  nodes: [string, string];
  keepaliveMs: number;
  deadtimeMs: number;
  warntimeMs: number;
  initdeadMs: number;
  udpport: number;
  baud: number;
  media: Medium[];
  /** `legacy` (Heartbeat's default) is loaded as `on`, with a notice; the type keeps it for compatibility. */
  autoFailback: 'on' | 'off' | 'legacy';
  /** How autoFailback was derived when not from its own line (nice_failback), for `check`. */
  autoFailbackVia: string | null;
  logfile: string | null;
  debugfile: string | null;
  /** Syslog facility or null for none. */
  logfacility: string | null;
  debug: number;
  ping: string[];
  pingGroups: { name: string; addresses: string[] }[];
  deadpingMs: number;
  /**
   * Uplink tracking (Heartbeat's ipfail, keepalived's track_interface): on when ha.cf respawns
   * ipfail or tracks an interface. The score is ping nodes reached plus tracked interfaces up.
   */
  uplink: { enabled: boolean; trackInterfaces: string[] };
  /** Run under SCHED_FIFO at `rtprio` (Heartbeat's `realtime`, default on). */
  realtime: boolean;
  rtprio: number;
  groups: ResourceGroupConfig[];
  /** ha.cf `env NAME=VALUE` lines, as the scripts see them: HA_NAME → VALUE. */
  env: Record<string, string>;
  auth: AuthConfig;
  /** Short hex digest of what both nodes must share (timings, nodes, haresources). */
  digest: string;
  /** Host names ucast, ping and ping_group lines used, and the IPv4 address each resolved to. */
  hostNames: { directive: 'ucast' | 'ping' | 'ping_group'; name: string; address: string; origin: { file: string; line: number } }[];
  /** Where each ha.cf setting came from, by directive name (`twinbeat check` prints it). */
  origins: Record<string, Origin>;
  /** twinbeat extensions (documented as such in ha.cf and README). */
  ext: {
    /** Per-resource monitor settings keyed by resource id. */
    monitors: Record<string, { intervalMs: number; timeoutMs: number; failures: number; restarts: number }>;
    /** Hook script paths by kind (fence, escalate, local-failure, remote-failure, master, backup, fault, stop, notify). */
    hooks: Record<string, string>;
    /** Resource action timeouts. */
    startTimeoutMs: number;
    stopTimeoutMs: number;
    /** Notification hooks are killed after this (or stopTimeoutMs if shorter). */
    notifyTimeoutMs: number;
    statusTimeoutMs: number;
    /** Gratuitous ARP after IP start: count and interval. */
    arpCount: number;
    arpIntervalMs: number;
    /** IPaddr's duplicate-address detection wait before adding an address; 0: off. */
    dadTimeoutMs: number;
    /** Control socket path and the group allowed to use it (null: root only). */
    controlSocket: string;
    controlGroup: string | null;
    /** Group allowed to read status on the read-only status socket (null: root only). */
    statusGroup: string | null;
    /** State and pid files. */
    stateFile: string;
    pidFile: string;
    /** Metrics port (0: off) and the IPv4 address it listens on (default 127.0.0.1). */
    metricsPort: number;
    metricsAddress: string;
  };
}

/** A haresources script found on disk: where, and which convention it follows. */
export interface FoundScript {
  path: string;
  class: ResourceSpec['class'];
}

/**
 * What loading needs from the outside world about scripts, passed in by the caller
 * (src/resources/locate.ts scriptChecks) so src/config never reaches into src/resources.
 */
export interface ScriptChecks {
  /** Directories searched for haresources scripts, in order (`check` prints them). */
  searchPath: readonly string[];
  find(name: string): FoundScript | null;
  /** The sentence saying `name` was not found and where we looked. */
  notFound(name: string): string;
  /** Whether a script (resource or hook) is safe to run as root; if not, the problem and its fix. */
  safety(path: string): { ok: true } | { ok: false; problem: string; fix?: string };
}
