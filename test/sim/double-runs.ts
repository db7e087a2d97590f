// Test helper (not a test): record every moment a resource actually runs on both simulated
// machines. Targeted simulation tests assert the list stays empty; touches only the world's observer.
import { NODES, type World } from './world.js';

/** Installs an observer on `world`; the returned list grows with `t=NOW RESOURCE` entries. */
export function watchDoubleRuns(world: World): string[] {
  const doubles: string[] = [];
  world.observer = {
    afterStep: (w) => {
      for (const id of w.resourceIds()) if (NODES.every((n) => w.nodes[n].running(id))) doubles.push(`t=${w.now} ${id}`);
    },
  };
  return doubles;
}
