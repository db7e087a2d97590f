// Targeted checks of the soak's properties (properties/) on hand-made schedules: a property
// that excuses too much hides holes, one that excuses too little fails the soak for nothing.
// Test code only: simulated world, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Properties } from './properties/index.js';
import { World, addFault } from './world.js';

function settledPair(options: ConstructorParameters<typeof World>[0] = {}): { world: World; props: Properties } {
  const world = new World({ transcript: false, wire: 'copy', ...options });
  const props = new Properties(world, 0);
  world.boot('a');
  world.boot('b');
  world.advance(5000);
  return { world, props };
}

test('takeover: a failed mark cleared by a retry inside the window excuses the late takeover (seeds 96997, 16064)', () => {
  const { world, props } = settledPair({ scriptJitterMs: 300 });
  addFault(world.nodes.b.failStart, 'httpd', 1);
  world.kill('a');
  props.crashed('a');
  world.advance(props.bounds.takeover + 10000);
  // The retry a deadtime after the failure brought the group up, later than the bound: excused.
  assert.equal(world.nodes.b.running('httpd'), true);
  assert.equal(props.checked.takeover, 0);
  assert.deepEqual(props.violations, []);
});

test('takeover: a plain kill is checked; a survivor whose fence keeps failing violates it', () => {
  const { world, props } = settledPair();
  world.kill('a');
  props.crashed('a');
  world.advance(props.bounds.takeover + 100);
  assert.equal(props.checked.takeover, 1);
  assert.deepEqual(props.violations, []);

  const fenced = settledPair({ fence: true });
  fenced.world.nodes.b.fenceFails = true;
  fenced.world.kill('a');
  fenced.props.crashed('a');
  fenced.world.advance(fenced.props.bounds.takeover + 100);
  assert.equal(fenced.props.checked.takeover, 1);
  assert.match(fenced.props.violations[0] ?? '', /\[takeover\] \(2\) a down since t=5000: b does not run/);
});

test('fresh-evidence: a verdict right after a long pause is a violation only without the stall guard', () => {
  const { world, props } = settledPair();
  world.pause('b');
  world.advance(9000);
  world.resume('b');
  world.advance(2000);
  // The stall guard forgives the pause: b still hears a and declares nothing.
  assert.equal(world.nodes.b.machine!.status().peer.state, 'alive');
  assert.deepEqual(props.violations, []);
});
