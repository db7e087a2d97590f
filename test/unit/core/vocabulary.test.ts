// The core owns the hook-kind vocabulary (src/core/types.ts); src/config may not import core, so
// the `tb_hook` parser keeps its own list of names. This test keeps the two lists equal, so a
// hook kind can neither be configured without the machine emitting it nor emitted unconfigurable.
// The one exception is `notify`: keepalived's generic notify script, which the edge runs beside
// every master/backup/fault/stop notification (src/daemon/notify.ts), never a hook of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hookKinds as coreHookKinds, type HookKind as CoreHookKind } from '../../../src/core/types.js';
import { tbHookKinds as configHookKinds, type TbHookKind as ConfigHookKind } from '../../../src/config/directives.js';
import { GENERIC_NOTIFY, TRANSITION_HOOKS } from '../../../src/daemon/notify.js';
import { notifyStates } from '../../../src/core/transitions.js';

type EdgeOnly = typeof GENERIC_NOTIFY;
// Compile-time: each name set is assignable to the other (config's minus the edge-only script).
const configToCore: CoreHookKind[] = configHookKinds.filter((k): k is Exclude<ConfigHookKind, EdgeOnly> => k !== GENERIC_NOTIFY);
const coreToConfig: ConfigHookKind[] = [...coreHookKinds] satisfies CoreHookKind[];

test('config parses exactly the hook kinds the core emits, plus the generic notify script', () => {
  assert.deepEqual([...configToCore].sort(), [...coreToConfig].sort());
  assert.deepEqual(configHookKinds.filter((k) => !(coreHookKinds as readonly string[]).includes(k)), [GENERIC_NOTIFY]);
  assert.equal(new Set(coreHookKinds).size, coreHookKinds.length, 'no hook kind listed twice');
});

test('every transition state is a hook kind, and the edge runs exactly those as notifications', () => {
  assert.deepEqual([...TRANSITION_HOOKS].sort(), [...notifyStates].sort());
  for (const s of notifyStates) assert.ok((coreHookKinds as readonly string[]).includes(s), s);
});
