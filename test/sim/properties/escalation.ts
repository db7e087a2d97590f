// Property family: escalation of a failed stop. Why: a resource whose stop failed may still run,
// so the node cannot hand it over safely; with escalation configured the node must reboot (the
// sim's escalation hook does) rather than leave the pair stuck. Test code only: touches nothing
// outside test/sim.
//   escalation        with escalation configured, a failed stop reboots the node within 1 s
//                     (unless the node is paused or a hook hangs).

import type { SimNode } from '../world.js';
import type { Context } from './context.js';

const ESCALATION_BOUND_MS = 1000;

/** escalation: a stop just failed on `node` with escalation configured. */
export function watchEscalation(c: Context, node: SimNode): void {
  const w = c.world;
  const incarnation = node.incarnation;
  const at = w.now;
  w.schedule(ESCALATION_BOUND_MS, () => {
    if (node.incarnation !== incarnation || !node.up) return;
    if (node.paused || node.pauses.some((p) => p.to >= at) || node.hookHungUntil >= at) return;
    c.fail('escalation', `${node.name}: a stop failed at t=${at} with escalation configured, and the node was not rebooted ${ESCALATION_BOUND_MS} ms later`);
  });
}
