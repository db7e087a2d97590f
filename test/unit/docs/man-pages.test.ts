// The man pages and the bash completion are generated from the command and directive tables:
// the repository's copies are up to date (config-docs --check covers them too), every command,
// option, directive and cl_status sub-command is in them, man renders them without a warning,
// and the completion completes in a real bash. Reads the repository; runs man and bash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { GENERATED_FILES, commandTable, optionsOf, renderBashCompletion, renderHaCfMan, renderTwinbeatMan, roff } from '../../../scripts/man-pages.js';
import { directives } from '../../../src/config/directives.js';
import { CL_STATUS_SUBCOMMANDS } from '../../../src/cli/heartbeat-compat.js';
import { missingSkipReason } from '../../../scripts/lab/requirements.js';

test('the generated files in the repository are up to date (else: node dist/scripts/config-docs.js)', () => {
  for (const [path, render] of Object.entries(GENERATED_FILES)) assert.equal(readFileSync(join(repoRoot, path), 'utf8'), render(), `${path} is stale`);
});

test('twinbeat(8) has every command with its whole --help text, and every cl_status sub-command', () => {
  const page = renderTwinbeatMan();
  for (const c of commandTable()) {
    assert.ok(page.includes(`.B ${roff(c.name)}\n`), c.name);
    assert.ok(page.includes(roff(c.help)), `${c.name}'s help`);
  }
  for (const s of CL_STATUS_SUBCOMMANDS) assert.ok(page.includes(`.B ${roff(s.name)}`), s.name);
});

test('twinbeat-ha.cf(5) has every directive with its syntax, text and default', () => {
  const page = renderHaCfMan();
  for (const d of directives) {
    assert.ok(page.includes(`.B ${roff(d.name)} ${roff(d.syntax)}\n${roff(d.doc)}\n`), d.name);
    assert.ok(page.includes(roff(`Default: ${d.default}`)), `${d.name} default`);
  }
});

test('roff escaping: backslashes, hyphens, and lines that would be requests', () => {
  assert.equal(roff('a\\b --x\n.TH evil\n\'also'), 'a\\eb \\-\\-x\n\\&.TH evil\n\\&\'also');
});

test('options come from usage lines and option lists, not from prose', () => {
  const help = 'usage: twinbeat x [-a] [--bee VALUE]\n\nSee uname -n and scp -p.\n  -c, --config DIR   where (default: see --other)\n--json   out';
  assert.deepEqual(optionsOf(help), ['-a', '--bee', '-c', '--config', '--json']);
});

test('man renders both pages without a warning', { skip: missingSkipReason(['man']) }, () => {
  for (const path of ['scripts/man/man8/twinbeat.8', 'scripts/man/man5/twinbeat-ha.cf.5']) {
    const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', join(repoRoot, path)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', path);
    assert.match(r.stdout, /SEE ALSO/);
  }
});

function complete(line: string): string[] {
  // COMP_WORDS as bash splits the line; a trailing space starts an empty word.
  const words = line.split(' ');
  const script = `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _twinbeat; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script, 'bash', join(repoRoot, 'scripts/completion/twinbeat.bash')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('bash completes commands, their options, global options and directories', () => {
  assert.deepEqual(complete('twinbeat st'), ['start', 'stop', 'status', 'standby']);
  assert.deepEqual(complete('twinbeat start --f'), ['--foreground']);
  assert.deepEqual(complete('twinbeat -c /etc status --j'), ['--json']);
  assert.deepEqual(complete('twinbeat --node alpha resource-test --c'), ['--class', '--config']);
  assert.ok(complete('twinbeat -c /').includes('/tmp'));
  assert.deepEqual(complete('twinbeat --node '), [], 'a node name is not guessed');
  assert.equal(renderBashCompletion(), readFileSync(join(repoRoot, 'scripts/completion/twinbeat.bash'), 'utf8'));
});
