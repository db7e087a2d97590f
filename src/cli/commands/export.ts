// `twinbeat export pacemaker`: load the configuration as `check` does, translate it with the pure
// src/cli/export/pacemaker.ts, and print corosync.conf plus a CIB or a pcs script, or write them
// into a directory (never over an existing file). Reads the config directory and this host's
// interface addresses; writes only into --out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { CliCommand, GlobalOptions, Io } from '../command.js';
import { ExitCode } from '../command.js';
import { parseCommandArgs, usageError } from '../args.js';
import { localNodeName, nodeFor } from '../dispatch.js';
import { loadConfig } from '../../config/load.js';
import { scriptChecks } from '../../resources/locate.js';
import { formatError } from '../../config/errors.js';
import { ExportRefused, exportPacemaker } from '../export/pacemaker.js';

export interface ExportDeps {
  /** Script search path (tests point it at fixture directories); default: loadConfig's. */
  searchPath?: string[];
  /** This host's IPv4 addresses by interface; default: os.networkInterfaces(). */
  interfaces?: () => Record<string, string[]>;
  /** The host's own node name; default: DIR/nodeinfo, else uname -n. Interfaces are used only when --node is this host. */
  hostNode?: () => string;
}

const formats = { cib: 'cib.xml', pcs: 'pcs-setup.sh' } as const;
type Format = keyof typeof formats;

const help = `usage: twinbeat export pacemaker [-c DIR] [--node NAME] [--format cib|pcs] [--out OUTDIR]
                                 [--cluster-name NAME]

Translates this pair's ha.cf, haresources and authkeys (in DIR, default /etc/ha.d) into what a
Pacemaker/Corosync cluster needs, for a pair that outgrows twinbeat:
  corosync.conf   knet links from the UDP media (serial is not carried over), the two nodes,
                  quorum two_node: 1, crypto with a new corosync authkey
  cib.xml         (--format cib, the default) primitives, groups in haresources order, location
                  preferences, stickiness from auto_failback, ping clone and rule, monitors,
                  timeouts; check it with crm_verify --xml-file cib.xml
  pcs-setup.sh    (--format pcs) the same as pcs commands
Load cib.xml into the running cluster with
  pcs cluster cib-push cib.xml --config
  (or: cibadmin --replace --scope configuration --xml-file cib.xml)
Fencing is left as a placeholder that fences nothing: configure a real device before production.
Addresses ha.cf does not give appear as FILL_IN_…; run the export on the node itself (NAME =
uname -n, or nodeinfo's name) so that its own interface addresses are filled in.
Warnings go to stderr. Without --out both files are printed, each after a "#### FILE ####" line;
with --out they are written to OUTDIR (created if missing; existing files are not overwritten).
Exit status: 0 exported, 1 configuration invalid or not exportable, 2 usage error.`;

export function createExportCommand(deps: ExportDeps = {}): CliCommand {
  return {
    name: 'export',
    summary: 'translate the pair into corosync.conf and a Pacemaker CIB or pcs script',
    help,
    run: (global, args, io) => runExport(deps, global, args, io),
  };
}

export const exportCommand: CliCommand = createExportCommand();

async function runExport(deps: ExportDeps, global: GlobalOptions, args: string[], io: Io): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    { values: { '-c': 'dir', '--config': 'dir', '--node': 'node', '--format': 'format', '--out': 'out', '--cluster-name': 'name' }, maxPositionals: 1 },
    io,
    'export',
    help,
  );
  if (typeof parsed === 'number') return parsed;
  const target = parsed.positionals[0];
  if (target !== 'pacemaker') return usageError(io, 'export', target === undefined ? 'what to export? (pacemaker)' : `cannot export to '${target}' (only pacemaker)`, help);
  const format = parsed.values.get('format') ?? 'cib';
  if (!(format in formats)) return usageError(io, 'export', `--format must be cib or pcs, not '${format}'`, help);
  const dir = parsed.values.get('dir') ?? global.configDir;
  const node = nodeFor(global, dir, parsed.values.get('node'));

  const result = await loadConfig(dir, node, { scripts: scriptChecks(dir, deps.searchPath) });
  if (!result.ok) {
    io.err(result.errors.map((e) => `${formatError(e)}\n`).join(''));
    io.err(`twinbeat export: ${dir} is not a valid configuration (twinbeat check shows why); nothing exported\n`);
    return ExitCode.failed;
  }
  const onThisHost = node === (deps.hostNode ?? (() => localNodeName(dir)))();
  let exported;
  try {
    exported = exportPacemaker({
      config: result.config,
      clusterName: parsed.values.get('name') ?? 'twinbeat',
      localAddresses: onThisHost ? (deps.interfaces ?? hostIPv4)() : null,
    });
  } catch (err) {
    if (!(err instanceof ExportRefused)) throw err;
    io.err(`twinbeat export: ${err.message}; nothing exported\n`);
    return ExitCode.failed;
  }
  const files: [string, string, number][] = [
    ['corosync.conf', exported.corosyncConf, 0o644],
    format === 'pcs' ? [formats.pcs, exported.pcsScript, 0o755] : [formats.cib, exported.cib, 0o644],
  ];
  const out = parsed.values.get('out');
  if (out === undefined) {
    io.out(files.map(([name, text]) => `#### ${name} ####\n${text}`).join('\n'));
  } else {
    try {
      mkdirSync(out, { recursive: true });
      for (const [name, text, mode] of files) writeFileSync(join(out, name), text, { flag: 'wx', mode });
    } catch (err) {
      io.err(`twinbeat export: ${(err as Error).message}\n`);
      return ExitCode.failed;
    }
    io.out(`wrote ${files.map(([name]) => join(out, name)).join(' and ')}\n`);
  }
  io.err(exported.warnings.map((w) => `twinbeat export: WARNING: ${w}\n`).join(''));
  if (!onThisHost) io.err(`twinbeat export: ${node} is not this host, so its interface addresses were not looked up\n`);
  return ExitCode.ok;
}

/** This host's IPv4 addresses by interface (loopback left out). */
function hostIPv4(): Record<string, string[]> {
  const byDev: Record<string, string[]> = {};
  for (const [dev, addrs] of Object.entries(networkInterfaces())) {
    const v4 = (addrs ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
    if (v4.length > 0) byDev[dev] = v4;
  }
  return byDev;
}
