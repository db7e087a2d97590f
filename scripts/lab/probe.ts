// The lab's client: sends a numbered UDP request to the floating IP every few milliseconds and
// records which node answered when. Run it inside the client namespace:
//
//   node dist/scripts/lab/probe.js --target 10.77.0.100 [--port 7777] [--interval-ms 10]
//        [--duration-ms N] [--out FILE]
//
// An IPv6 target (the lab's `ipv6` option, e.g. fd00:77::100) is probed over UDP/IPv6.
//
// Stops after --duration-ms, or on SIGTERM/SIGINT, and then writes a ProbeReport (JSON) to
// --out or stdout. Prints `probing` on stderr once the first request is out.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { summarize, type Answer } from './probe-report.js';
import { LAB_NET } from './addresses.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      port: { type: 'string', default: String(LAB_NET.echoPort) },
      'interval-ms': { type: 'string', default: '10' },
      'duration-ms': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const target = values.target;
  const port = Number(values.port);
  const intervalMs = Number(values['interval-ms']);
  if (!target || !(port > 0) || !(intervalMs > 0)) {
    process.stderr.write('usage: probe --target IP [--port 7777] [--interval-ms 10] [--duration-ms N] [--out FILE]\n');
    process.exit(2);
  }

  const startedAtMs = Date.now();
  const t0 = performance.now();
  const since = (): number => Math.round((performance.now() - t0) * 10) / 10;
  const answers: Answer[] = [];
  let sent = 0;

  // Unconnected socket: the holder answers from its own primary address, not the floating one.
  const socket = createSocket(isIPv6(target) ? 'udp6' : 'udp4');
  socket.on('message', (msg) => {
    const [node, word, seq] = msg.toString('utf8').split(' ');
    if (node && word === 'probe' && seq !== undefined) answers.push([since(), Number(seq), node]);
  });
  // Sends fail while the address is unreachable (e.g. no route); that is what we measure.
  socket.on('error', () => undefined);

  const tick = setInterval(() => {
    socket.send(`probe ${sent++}`, port, target, () => undefined);
  }, intervalMs);
  socket.bind(0, () => process.stderr.write('probing\n'));

  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearInterval(tick);
    const report = summarize({ target, port, intervalMs, startedAtMs, durationMs: since(), sent, answers });
    const json = JSON.stringify(report);
    if (values.out) writeFileSync(values.out, json);
    else process.stdout.write(json + '\n');
    socket.close();
    process.exit(0);
  };
  if (values['duration-ms']) setTimeout(finish, Number(values['duration-ms']));
  process.on('SIGTERM', finish);
  process.on('SIGINT', finish);
}

main();
