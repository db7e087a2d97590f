// Reference tables generated into src/daemon/README.md (scripts/readme-blocks.ts places them):
// every field of `status --json` as status.schema.json describes it (the schema is tested to be
// exact against real output, so the table cannot drift from the code), and every metric family
// the daemon's prom-client registry registers, with its type, labels and HELP text. Pure: text
// out; builds a registry without process metrics and without serving it.
import { statusSchema } from '../src/cli/schemas/index.js';
import { DaemonMetrics, HOOK_OUTCOMES, LINK_STATES, PEER_STATES, RESOURCE_ACTIONS, ROLES, UPLINK_STATES } from '../src/daemon/metrics-registry.js';
import { DROP_REASONS } from '../src/protocol/drops.js';
import { CORE_EVENTS } from '../src/core/events.js';
import { hookKinds } from '../src/core/types.js';

type Schema = Record<string, unknown>;

/** Text for a markdown table cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function resolve(root: Schema, s: Schema): Schema {
  const ref = s['$ref'];
  if (typeof ref !== 'string') return s;
  const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Schema)[key], root) as Schema;
  return { ...resolve(root, target), ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) };
}

/** What a value may be, in a few words: `integer ≥ 0`, `"a" \| "b" \| null`, `array of object`. */
function typeText(root: Schema, raw: Schema): string {
  const s = resolve(root, raw);
  if ('const' in s) return JSON.stringify(s['const']);
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s['oneOf'])) return (s['oneOf'] as Schema[]).map((x) => typeText(root, x)).join(' or ');
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : typeof s['type'] === 'string' ? [s['type']] : [];
  return types
    .map((t) => {
      if (t === 'array') return `array of ${typeText(root, (s['items'] as Schema | undefined) ?? {})}`;
      if (t === 'object' && typeof s['additionalProperties'] === 'object') return `map of ${typeText(root, s['additionalProperties'] as Schema)}`;
      if ((t === 'integer' || t === 'number') && s['minimum'] === 0) return `${t} ≥ 0`;
      return t;
    })
    .join(' or ') || 'any';
}

/** The object schema inside `s`, if any: itself, its array items, or the object arm of a oneOf. */
function objectWithin(root: Schema, raw: Schema): { schema: Schema; suffix: string } | null {
  const s = resolve(root, raw);
  if (s['properties'] !== undefined) return { schema: s, suffix: '' };
  if (s['items'] !== undefined) {
    const inner = objectWithin(root, s['items'] as Schema);
    return inner && { schema: inner.schema, suffix: `[]${inner.suffix}` };
  }
  for (const arm of (s['oneOf'] as Schema[] | undefined) ?? []) {
    const inner = objectWithin(root, arm);
    if (inner) return inner;
  }
  return null;
}

function fieldRows(root: Schema, object: Schema, prefix: string): string[] {
  const required = new Set((object['required'] as string[] | undefined) ?? []);
  const rows: string[] = [];
  for (const [name, raw] of Object.entries(object['properties'] as Record<string, Schema>)) {
    const path = `${prefix}${name}`;
    const s = resolve(root, raw);
    const optional = required.has(name) ? '' : ' (optional)';
    rows.push(`| \`${path}\` | ${cell(typeText(root, raw))}${optional} | ${cell(typeof s['description'] === 'string' ? s['description'] : '')} |`);
    const inner = objectWithin(root, raw);
    if (inner) rows.push(...fieldRows(root, inner.schema, `${path}${inner.suffix}.`));
  }
  return rows;
}

/** Every field of a `status --json` report (the report arm of the schema), nested ones by path. */
export function statusFieldTable(): string[] {
  const root = statusSchema as Schema;
  const report = resolve(root, { $ref: '#/$defs/report' });
  return ['| field | type | meaning |', '|---|---|---|', ...fieldRows(root, report, '')];
}

/** Every metric family the daemon registers (process metrics aside), as prom-client holds it. */
export function metricsTable(): string[] {
  const metrics = new DaemonMetrics({ report: () => { throw new Error('not scraped'); }, coreEvents: () => ({}) });
  const rows = metrics.registry.getMetricsAsArray().map((m) => {
    const meta = m as unknown as { name: string; help: string; type: string; labelNames?: string[]; upperBounds?: number[] };
    const bounds = meta.upperBounds;
    const buckets = meta.type === 'histogram' && bounds && bounds.length > 0 ? ` Buckets ${bounds[0]} … ${bounds[bounds.length - 1]} s.` : '';
    return `| \`${meta.name}\` | ${meta.type} | ${(meta.labelNames ?? []).join(', ')} | ${cell(meta.help)}${buckets} |`;
  });
  const values = (list: readonly string[]) => list.map((v) => `\`${v}\``).join(', ');
  return [
    '| metric | type | labels | meaning |', '|---|---|---|---|', ...rows, '',
    'Label values with a series from the first scrape (value 0, or 0 for every state but the current one):', '',
    '| label | values |', '|---|---|',
    `| \`role\` (twinbeat_role) | ${values(ROLES)} |`,
    `| \`state\` (twinbeat_peer_state) | ${values(PEER_STATES)} |`,
    `| \`state\` (twinbeat_link_state, per link) | ${values(LINK_STATES)} |`,
    `| \`state\` (twinbeat_uplink_state) | ${values(UPLINK_STATES)} |`,
    `| \`reason\` (twinbeat_link_drops_total, per link) | ${values(DROP_REASONS)} |`,
    `| \`event\` (twinbeat_core_events_total) | ${values(CORE_EVENTS)} |`,
    `| \`hook\` × \`outcome\` (twinbeat_hook_runs_total) | ${values(hookKinds)} × ${values(HOOK_OUTCOMES)} |`,
    `| \`action\` (twinbeat_resource_action_duration_seconds, per resource) | ${values(RESOURCE_ACTIONS)} |`,
  ];
}
