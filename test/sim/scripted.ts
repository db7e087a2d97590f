// Test helper (not a test) for scripted simulations: a booted pair, operator commands, and
// queries on what actually runs and on the transcript. Shared by holes-scripted.test.ts and
// h12-core-holes.test.ts; touches only the world it is given.
import assert from 'node:assert/strict';
import { NODES, World, type NodeName, type WorldOptions } from './world.js';
import type { Command } from '../../src/core/types.js';

export const cmd = (w: World, node: NodeName, command: Command) => w.deliver(w.nodes[node], { type: 'command', now: w.now, command });
export const runsAll = (w: World, node: NodeName) => w.resourceIds().every((id) => w.nodes[node].running(id));
export const runners = (w: World, id: string) => NODES.filter((n) => w.nodes[n].running(id));
/** How often `node` logged `event` (transcript lines). */
export const events = (w: World, node: NodeName, event: string) => w.lines.filter((l) => new RegExp(`^ *\\d+ ${node} \\w+ ${event}( |$)`).test(l)).length;
export const linesOf = (w: World, re: RegExp) => w.lines.filter((l) => re.test(l)).length;

/** Both nodes booted together and settled (10 s). */
export function pair(options: Partial<WorldOptions> = {}): World {
  const w = new World(options);
  w.boot('a');
  w.boot('b');
  w.advance(10_000);
  return w;
}

export function assertExactlyOneEach(w: World): void {
  for (const id of w.resourceIds()) assert.equal(runners(w, id).length, 1, `${id} runs on ${runners(w, id).join(',') || 'nobody'}`);
}
