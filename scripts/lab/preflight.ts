// The checks the demo and the bench make before they build a lab: Linux, root, every command
// they run (installed here when missing: requirements.ts), and a built daemon.
// May touch: what requirements.ts touches (apt-get as root); otherwise it only reads.
import { existsSync } from 'node:fs';
import { labPaths } from './lab.js';
import { ensureRequirements, isRoot, type Purpose } from './requirements.js';

/**
 * Null when `tool` (`npm run demo`, `npm run bench`) can run here; otherwise the one-line reason,
 * with what to do about it. `say` reports an install before it starts.
 */
export function preflight(tool: Exclude<Purpose, 'tests'>, say: (line: string) => void): string | null {
  if (process.platform !== 'linux') return 'needs Linux (network namespaces)';
  if (!isRoot()) return `needs root (network namespaces): run it as root, e.g. sudo npm run ${tool}`;
  const requirements = ensureRequirements(tool, say);
  if (!requirements.ok) return requirements.message;
  if (!existsSync(labPaths.cli)) return `${labPaths.cli} missing: run npm run build`;
  return null;
}

/**
 * preflight('bench') for one of the bench's own tools: its lines on stderr, and on refusal one
 * `TOOL: why` line. True when the tool may run.
 */
export function benchToolReady(tool: string): boolean {
  const blocked = preflight('bench', (t) => process.stderr.write(`${t}\n`));
  if (blocked) process.stderr.write(`${tool}: ${blocked}\n`);
  return blocked === null;
}
