// CORE_EVENTS (src/core/events.ts) must name every event the core can log: the metrics create
// twinbeat_core_events_total{event=…} at 0 for each, and an event missing from the list would
// appear only on its first occurrence (an increase() alert then misses it). This scans the core's
// sources for log calls — this.log(level, EVENT, …) and host.log(level, EVENT, …) — and checks
// every event name they can produce, including both arms of a conditional.
// Reads src/core; writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_EVENTS } from '../../../src/core/events.js';
import { UPLINK_CHANGES } from '../../../src/core/uplink.js';
import { repoRoot } from '../../support/paths.js';

const coreDir = join(repoRoot, 'src/core');
/** Templates the core builds event names from, and what they expand to. */
const TEMPLATES: Record<string, string[]> = {
  'command-${command}': ['command-standby', 'command-online', 'command-takeover', 'command-stop'],
  'uplink-${change.kind}': UPLINK_CHANGES.map((c) => `uplink-${c}`),
};
/** Forwarders: the machine's own log() definition and the host callback handing through `event`. */
const FORWARDED = new Set(['event: string', 'event']);

/** The event-name argument of every log call in a source text: the text between the first and second top-level comma. */
export function emittedEvents(source: string, file: string): { events: string[]; problems: string[] } {
  const events: string[] = [];
  const problems: string[] = [];
  const call = /\blog\(\s*([^,()]+(?:\([^()]*\))?[^,()]*),\s*([^,]+?),/g;
  for (const m of source.matchAll(call)) {
    const level = m[1]!.trim();
    const expr = m[2]!.trim();
    if (!/'(debug|info|warn|error)'|level/.test(level)) continue; // not the core's log(level, event, …)
    if (FORWARDED.has(expr)) continue;
    const template = /^`(.*)`$/.exec(expr);
    if (template) {
      const expanded = TEMPLATES[template[1]!];
      if (expanded === undefined) problems.push(`${file}: event name built from a template the test does not know: ${expr}`);
      else events.push(...expanded);
      continue;
    }
    // A conditional's condition may compare with literals; only its arms are event names.
    const arms = expr.includes('?') ? expr.slice(expr.indexOf('?') + 1) : expr;
    const literals = [...arms.matchAll(/'([^']*)'/g)].map((l) => l[1]!);
    if (literals.length === 0) problems.push(`${file}: event name is not a literal: ${expr}`);
    events.push(...literals);
  }
  return { events, problems };
}

test('every event the core logs is listed in CORE_EVENTS (add new ones there)', () => {
  const found = new Set<string>();
  const problems: string[] = [];
  for (const file of readdirSync(coreDir).filter((f) => f.endsWith('.ts'))) {
    const result = emittedEvents(readFileSync(join(coreDir, file), 'utf8'), file);
    result.events.forEach((e) => found.add(e));
    problems.push(...result.problems);
  }
  assert.deepEqual(problems, []);
  assert.ok(found.size >= 40, `the scan found the core's log calls (${found.size})`);
  const missing = [...found].filter((e) => !CORE_EVENTS.includes(e));
  assert.deepEqual(missing, [], 'logged by the core but missing from src/core/events.ts');
  const stale = CORE_EVENTS.filter((e) => !found.has(e));
  assert.deepEqual(stale, [], 'listed in src/core/events.ts but no longer logged');
  assert.equal(new Set(CORE_EVENTS).size, CORE_EVENTS.length, 'no event listed twice');
});

test('the scan itself catches an unlisted event, a ternary arm and a non-literal name', () => {
  const src = "this.log('warn', 'brand-new-event', 'x');\nthis.host.log(up ? 'info' : 'warn', kind === 'start' ? 'a-one' : 'a-two', 'm');\nthis.log('info', name, 'm');";
  const { events, problems } = emittedEvents(src, 'x.ts');
  assert.deepEqual(events, ['brand-new-event', 'a-one', 'a-two']);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /not a literal: name/);
});
