// Golden-transcript scenarios: a scenario file is a readable script of commands (`> tick 1000`,
// `> cut serial both`, `> kill a`, ...) each followed by the transcript it produced (log events
// and effects of both machines, plus what the simulated world did). runScenario re-executes the
// commands and returns the regenerated text; the test compares it with the file exactly, and
// REWRITE=1 writes it back so the diff can be reviewed.
//
// Commands:
//   world [autofailback=on|off|legacy] [ping=on] [uplink=on] [fence=on|soft] [escalate=on] [monitor=on]   (first)
//                        uplink=on: uplink tracking (ipfail) over the ping node, deadping = deadtime
//                        fence=soft: the fence hook succeeds without killing the peer
//   boot a|b|both        kill a|b        pause a|b        resume a|b
//   tick MS              run the world for MS milliseconds
//   cut LINK DIR         LINK = udp|serial|all, DIR = both|a>b|b>a
//   heal [LINK]          undo cuts and loss (all links when LINK omitted)
//   loss LINK DIR P      drop each frame with probability P
//   cmd NODE standby|online|takeover|stop
//   hook-ms NODE HOOK MS the NODE's HOOK (fence, remote-failure, ...) runs MS ms (a hung one: long)
//   fail-start NODE MATCH [N]   the next N starts of resources whose id contains MATCH fail
//   fail-stop NODE MATCH [N]    likewise for stops
//   crash NODE MATCH     the resource dies on its own (monitor will notice)
//   ping NODE up|down    whether NODE reaches its ping nodes
//   fence-fail NODE      NODE's fence hook fails from now on
//   drift NODE DIGEST    reload NODE with a different shared-config digest
//   reload NODE          reload NODE with the same configuration
//   status NODE          print NODE's status snapshot
//   lose-state NODE      NODE's state file is gone: its next boot is generation 1, no standby

import type { HookKind } from '../../src/core/types.js';
import { addFault, LINKS, NODES, World, type LinkName, type NodeName, type WorldOptions } from './world.js';

export function runScenario(text: string): string {
  const out: string[] = [];
  let world: World | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('> ')) {
      out.push(line);
      const command = line.slice(2).trim();
      if (command.startsWith('world')) {
        world = new World(parseWorld(command));
        continue;
      }
      if (!world) throw new Error(`scenario must start with a world command, got: ${command}`);
      const before = world.lines.length;
      execute(world, command, out);
      out.push(...world.lines.slice(before));
    } else if (line.startsWith('#') || line.trim() === '') {
      out.push(line);
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

function parseWorld(command: string): Partial<WorldOptions> {
  const options: Partial<WorldOptions> = {};
  for (const word of command.split(/\s+/).slice(1)) {
    const [key, value] = word.split('=');
    if (key === 'autofailback') options.autoFailback = value as WorldOptions['autoFailback'];
    else if (key === 'ping') options.pingNodes = value === 'on';
    else if (key === 'uplink') options.uplink = value === 'on';
    else if (key === 'fence') {
      options.fence = value === 'on' || value === 'soft';
      options.softFence = value === 'soft';
    }
    else if (key === 'escalate') options.escalate = value === 'on';
    else if (key === 'monitor') options.monitor = value === 'on';
    else throw new Error(`unknown world option ${word}`);
  }
  return options;
}

const nodesOf = (word: string | undefined): NodeName[] => (word === 'both' ? [...NODES] : [asNode(word)]);

function asNode(word: string | undefined): NodeName {
  if (word !== 'a' && word !== 'b') throw new Error(`expected a node (a|b), got ${word}`);
  return word;
}

function linksOf(word: string | undefined): LinkName[] {
  if (word === undefined || word === 'all') return [...LINKS];
  if (!(LINKS as readonly string[]).includes(word)) throw new Error(`expected a link (udp|serial|all), got ${word}`);
  return [word as LinkName];
}

function fromsOf(word: string | undefined): NodeName[] {
  if (word === 'both') return [...NODES];
  if (word === 'a>b') return ['a'];
  if (word === 'b>a') return ['b'];
  throw new Error(`expected a direction (both|a>b|b>a), got ${word}`);
}

function execute(world: World, command: string, out: string[]): void {
  const [verb, ...args] = command.split(/\s+/);
  switch (verb) {
    case 'boot':
      return nodesOf(args[0]).forEach((n) => world.boot(n));
    case 'kill':
      return world.kill(asNode(args[0]));
    case 'pause':
      return world.pause(asNode(args[0]));
    case 'resume':
      return world.resume(asNode(args[0]));
    case 'tick':
      return world.advance(Number(args[0]));
    case 'cut':
      return world.setLinks(linksOf(args[0]), fromsOf(args[1]), { cut: true });
    case 'heal':
      return world.setLinks(linksOf(args[0]), [...NODES], { cut: false, loss: 0, fixedDelayMs: 0, extraDelayMs: 0, dup: 0 });
    case 'loss':
      return world.setLinks(linksOf(args[0]), fromsOf(args[1]), { loss: Number(args[2]) });
    case 'cmd':
      return command_(world, asNode(args[0]), args[1]);
    case 'fail-start':
      return addFault(world.nodes[asNode(args[0])].failStart, args[1]!, Number(args[2] ?? 1));
    case 'fail-stop':
      return addFault(world.nodes[asNode(args[0])].failStop, args[1]!, Number(args[2] ?? 1));
    case 'crash':
      return crash(world, asNode(args[0]), args[1]!);
    case 'ping':
      for (const n of nodesOf(args[0])) world.nodes[n].pingReachable = args[1] === 'up';
      return;
    case 'hook-ms':
      world.nodes[asNode(args[0])].hookMs[args[1] as HookKind] = Number(args[2]);
      return;
    case 'fence-fail':
      world.nodes[asNode(args[0])].fenceFails = true;
      return;
    case 'drift':
    case 'reload': {
      const node = world.nodes[asNode(args[0])];
      node.config = { ...node.config, configDigest: verb === 'drift' ? args[1]! : node.config.configDigest };
      return world.deliver(node, { type: 'config', now: world.now, config: node.config });
    }
    case 'status':
      out.push(...statusLines(world, asNode(args[0])));
      return;
    case 'lose-state':
      return world.loseState(asNode(args[0]));
    default:
      throw new Error(`unknown scenario command: ${command}`);
  }
}

function command_(world: World, node: NodeName, what: string | undefined): void {
  if (what !== 'standby' && what !== 'online' && what !== 'takeover' && what !== 'stop') throw new Error(`unknown operator command ${what}`);
  world.deliver(world.nodes[node], { type: 'command', now: world.now, command: what });
}

function crash(world: World, node: NodeName, match: string): void {
  const sim = world.nodes[node];
  for (const id of sim.actual.keys()) if (id.includes(match) && sim.actual.get(id) === 'running') sim.actual.set(id, 'stopped');
  world.record(node, `resource ${match} crashed`);
}

/** A compact, stable rendering of status() for transcripts. */
export function statusLines(world: World, name: NodeName): string[] {
  const machine = world.nodes[name].machine;
  if (!machine) return [`  status ${name}: down`];
  const s = machine.status();
  const links = s.links.map((l) => `${l.name}:${l.state}`).join(',');
  const lines = [
    `  status ${name}: role=${s.self.role} standby=${s.self.standby} peer=${s.peer.state}/${s.peer.role ?? '-'} gate=${s.takeoverGate} digest=${s.configDigestMatch ?? '-'} links=${links}` +
      (s.lastCommand ? ` last-command=${s.lastCommand.command}:${s.lastCommand.accepted ? 'accepted' : 'refused'}` : '') +
      (s.self.deferringToPeer ? ` deferring=${s.self.deferringToPeer}` : ''),
  ];
  for (const g of s.groups) {
    const flags = [g.failedHere ? 'failed-here' : '', g.stopFailed ? 'stop-failed' : '', g.pendingHandover ?? ''].filter(Boolean).join(',');
    const noHolder = g.noEligibleHolder ? ` no-eligible-holder="${g.noEligibleHolder}"` : '';
    lines.push(`  status ${name}: group ${g.index} phase=${g.phase} desired=${g.desired} peer-holds=${g.peerHolds ?? '-'}${flags ? ` flags=${flags}` : ''}${noHolder}`);
  }
  const u = s.uplink;
  if (u && u.state !== 'off') lines.push(`  status ${name}: uplink ${u.state} self=${u.self ? `${u.self.score}/${u.self.total}` : '-'} peer=${u.peer ?? '-'} handovers=${u.handovers} why="${u.why}"`);
  return lines;
}
