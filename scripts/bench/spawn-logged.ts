// Starts a long-running command in a node's namespace with its output appended to a log file.
import { closeSync, openSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Netns } from '../lab/netns.js';

export function spawnLogged(ns: Netns, argv: string[], logPath: string): ChildProcess {
  const fd = openSync(logPath, 'a');
  try {
    return ns.spawn(argv, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}
