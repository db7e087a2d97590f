// Transition notifications (keepalived's notify_master/backup/fault/stop and generic `notify`):
// which state each group, and this node as a whole, is in for a notifier, and which changes to
// report. Pure: FailoverMachine shows it the groups after every step and queues a hook (kind =
// the new state) in the notify lane (hooks.ts) for each change it returns; the edge runs the
// scripts. Touches nothing but its own map of states last reported.

import type { GroupRuntime } from './group-state.js';

export const notifyStates = ['master', 'backup', 'fault', 'stop'] as const;
export type NotifyState = (typeof notifyStates)[number];

/**
 * A group's state as a notifier sees it, or null while it is starting or stopping (the last
 * reported state stands until the change settles). A stop-failed group is `fault` (it may still
 * run here), a running one `master`; once stopped it is `stop` during a graceful stop (keepalived
 * notify_stop), `fault` while marked failed here, else `backup`.
 */
export function groupNotifyState(g: GroupRuntime, leaving: boolean): NotifyState | null {
  if (g.phase === 'stop-failed') return 'fault';
  if (g.phase === 'running') return 'master';
  if (g.phase !== 'stopped') return null;
  if (leaving) return 'stop';
  return g.failedHere ? 'fault' : 'backup';
}

/**
 * The node's state, from its groups' (keepalived sync group): `fault` if any group is, else
 * `master` if it runs any, else `stop` once every group is stopped in a graceful stop, else `backup`.
 */
export function nodeNotifyState(groups: readonly NotifyState[], leaving: boolean): NotifyState {
  if (groups.includes('fault')) return 'fault';
  if (groups.includes('master')) return 'master';
  if (leaving && groups.every((s) => s === 'stop')) return 'stop';
  return 'backup';
}

export interface Transition {
  type: 'group' | 'node';
  name: string;
  state: NotifyState;
  previous: NotifyState | null;
  /** Key of the notify lane's coalescing (hooks.ts): one waiting notification per group or node. */
  key: string;
  env: Record<string, string>;
}

/** keepalived's "address owner" priority for the group's preferred node, its default otherwise. */
export const OWNER_PRIORITY = 255;
export const DEFAULT_PRIORITY = 100;

export class TransitionTracker {
  private readonly reported = new Map<string, NotifyState>();

  /**
   * The changes since the last call: groups first (in configuration order), then the node, so a
   * node `master` follows the group `master` that caused it. Groups are matched by key, so a
   * reload that keeps a group keeps its last state.
   */
  observe(self: string, groups: readonly GroupRuntime[], leaving: boolean): Transition[] {
    const out: Transition[] = [];
    const states: NotifyState[] = [];
    const causes: string[] = [];
    for (const g of groups) {
      const key = `group:${g.group.key}`;
      const state = groupNotifyState(g, leaving) ?? this.reported.get(key) ?? 'backup';
      states.push(state);
      const priority = g.group.owner === self ? OWNER_PRIORITY : DEFAULT_PRIORITY;
      const reason = leaving && state === 'stop' ? 'graceful stop' : g.phase === 'stop-failed' ? 'stop failed' : g.why || state;
      const change = this.change(key, 'group', g.group.key, state, priority, reason, { TWINBEAT_GROUP: g.group.key });
      if (change) {
        out.push(change);
        causes.push(`group ${g.group.key} ${state}`);
      }
    }
    const owns = groups.some((g) => g.group.owner === self);
    const node = this.change(`node:${self}`, 'node', self, nodeNotifyState(states, leaving), owns ? OWNER_PRIORITY : DEFAULT_PRIORITY, causes.join(', ') || 'start-up', {});
    if (node) out.push(node);
    return out;
  }

  private change(key: string, type: Transition['type'], name: string, state: NotifyState, priority: number, reason: string, extra: Record<string, string>): Transition | null {
    const previous = this.reported.get(key) ?? null;
    if (previous === state) return null;
    this.reported.set(key, state);
    const env = {
      TWINBEAT_TYPE: type,
      TWINBEAT_NAME: name,
      TWINBEAT_STATE: state.toUpperCase(),
      TWINBEAT_PREVIOUS_STATE: (previous ?? 'init').toUpperCase(),
      TWINBEAT_PRIORITY: String(priority),
      TWINBEAT_REASON: reason,
      ...extra,
    };
    return { type, name, state, previous, key, env };
  }
}
