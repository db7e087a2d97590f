// The core owns the hook-kind vocabulary (src/core/types.ts); src/config may not import core, so
// the `tb_hook` parser keeps its own list of names. This test keeps the two lists equal, so a
// hook kind can neither be configured without the machine emitting it nor emitted unconfigurable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookKinds as coreHookKinds, type HookKind as CoreHookKind } from '../../../src/core/types.js';
import { hookKinds as configHookKinds, type HookKind as ConfigHookKind } from '../../../src/config/directives.js';

// Compile-time: each name set is assignable to the other.
const configToCore: CoreHookKind[] = [...configHookKinds] satisfies ConfigHookKind[];
const coreToConfig: ConfigHookKind[] = [...coreHookKinds] satisfies CoreHookKind[];

test('config parses exactly the hook kinds the core emits', () => {
  assert.deepEqual([...configToCore].sort(), [...coreToConfig].sort());
  assert.equal(new Set(coreHookKinds).size, coreHookKinds.length, 'no hook kind listed twice');
});
