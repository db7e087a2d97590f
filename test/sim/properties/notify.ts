// Property family: transition notifications (notify-order; with notifications on, every other
// seed). Why: the master/backup/fault hooks tell monitoring and neighbouring systems what this
// node does; two at once race each other, the same state twice is noise, and a last state that is
// not true leaves the outside world with a wrong picture once the pair is calm. Test code only:
// touches nothing outside test/sim.
//   notify-order      with transition notifications (every other seed), each node runs one
//                     notification at a time (the notify lane), never tells a group or itself the
//                     same state twice in a row, and after the final calm the last state it told
//                     each group is what the machine really does (MASTER where all the group's
//                     resources run, else BACKUP, or FAULT where marked failed), the node's likewise.

import type { NodeName, SimNode } from '../world.js';
import { hookLane, type HookKind } from '../../../src/core/types.js';
import { runsAll, type Context } from './context.js';

/** What a node's notifier has been told in its current life. */
interface Notified {
  incarnation: number;
  busy: boolean;
  /** Last state told, by `group:KEY` or `node:NAME`. */
  told: Map<string, string>;
}

export class NotifyOrder {
  private notified: Record<NodeName, Notified> = { a: { incarnation: -1, busy: false, told: new Map() }, b: { incarnation: -1, busy: false, told: new Map() } };

  constructor(private readonly c: Context) {}

  /** A notification hook starts on `node`. */
  started(node: SimNode, hook: HookKind, env: Record<string, string>): void {
    const n = this.notifiedOf(node);
    if (n.busy) this.c.fail('notify-order', `${node.name} starts the ${hook} notification while another one runs`);
    n.busy = true;
    if (env['TWINBEAT_TYPE'] === undefined) return;
    const key = `${env['TWINBEAT_TYPE']}:${env['TWINBEAT_NAME']}`;
    const state = env['TWINBEAT_STATE']!;
    if (state !== hook.toUpperCase()) this.c.fail('notify-order', `${node.name}: ${hook} hook carries TWINBEAT_STATE=${state}`);
    if (n.told.get(key) === state) this.c.fail('notify-order', `${node.name} tells ${key} ${state} twice in a row`);
    n.told.set(key, state);
  }

  /** A notification hook on `node` finished. */
  done(node: SimNode): void {
    this.notifiedOf(node).busy = false;
  }

  /** After the calm, with its notify lane idle, a node has told each group and itself what it really does. */
  checkToldState(node: SimNode): void {
    const s = node.machine?.status();
    if (!s || s.self.leaving) return;
    if ([...s.hooks.running, ...s.hooks.queued].some((h) => hookLane(h as HookKind) === 'notify')) return;
    const told = this.notifiedOf(node).told;
    const states: string[] = [];
    for (const g of s.groups) {
      const ids = g.resources.map((r) => r.id);
      const runs = runsAll(node.actual, ids);
      const expected = g.failedHere || g.stopFailed ? 'FAULT' : runs ? 'MASTER' : ids.some((id) => node.running(id)) ? null : 'BACKUP';
      if (expected === null) continue;
      states.push(expected);
      const said = told.get(`group:${g.key}`);
      if (said !== expected) this.c.fail('notify-order', `after the calm ${node.name} last told group ${g.key} ${said ?? 'nothing'}, but it is ${expected}`);
    }
    if (states.length !== s.groups.length) return;
    const nodeState = states.includes('FAULT') ? 'FAULT' : states.includes('MASTER') ? 'MASTER' : 'BACKUP';
    const said = told.get(`node:${node.name}`);
    if (said !== nodeState) this.c.fail('notify-order', `after the calm ${node.name} last told itself ${said ?? 'nothing'}, but it is ${nodeState}`);
  }

  private notifiedOf(node: SimNode): Notified {
    const n = this.notified[node.name];
    if (n.incarnation !== node.incarnation) this.notified[node.name] = { incarnation: node.incarnation, busy: false, told: new Map() };
    return this.notified[node.name];
  }
}
