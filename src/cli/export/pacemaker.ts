// `twinbeat export pacemaker` as a pure translation: a loaded Config in; corosync.conf, a CIB,
// a pcs script and the warnings an operator must read out. No I/O: the command
// (src/cli/commands/export.ts) reads the configuration and writes the files. Nothing in
// src/core or src/config may import this.
import { planPacemaker, type PlanInput } from './plan.js';
import { renderCorosyncConf } from './corosync.js';
import { renderCib } from './cib.js';
import { renderPcsScript } from './pcs.js';

export { ExportRefused } from './plan.js';
export type { PlanInput as ExportInput } from './plan.js';

export interface PacemakerExport {
  corosyncConf: string;
  cib: string;
  pcsScript: string;
  warnings: string[];
}

export function exportPacemaker(input: PlanInput): PacemakerExport {
  const plan = planPacemaker(input);
  return { corosyncConf: renderCorosyncConf(plan), cib: renderCib(plan), pcsScript: renderPcsScript(plan), warnings: plan.warnings };
}
