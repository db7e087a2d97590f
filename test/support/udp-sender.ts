// Sends a prepared list of UDP datagrams for e2e tests, run inside a lab namespace (`ip netns
// exec`), so the traffic never leaves the lab. The list is a file with one datagram per line in
// hex (an empty line is an empty datagram); it is sent in order, from the start again until
// --count datagrams went out, in bursts of --burst with --every-ms between bursts. Prints
// `{"sent":N,"failed":M,"ms":T}` when done. Touches only the addresses it is given.
//
//   node dist/test/support/udp-sender.js --to 10.77.0.2 --port 694 --file list.hex \
//     [--from 10.77.0.50] [--count 20000] [--burst 100] [--every-ms 20]
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      to: { type: 'string' },
      port: { type: 'string' },
      file: { type: 'string' },
      from: { type: 'string' },
      count: { type: 'string' },
      burst: { type: 'string', default: '20' },
      'every-ms': { type: 'string', default: '5' },
    },
  });
  const { to, file } = values;
  const port = Number(values.port);
  if (!to || !file || !Number.isInteger(port)) {
    process.stderr.write('usage: udp-sender --to ADDRESS --port PORT --file LIST [--from ADDRESS] [--count N] [--burst B] [--every-ms T]\n');
    process.exit(2);
  }
  const datagrams = readFileSync(file, 'utf8').split('\n').slice(0, -1).map((hex) => Buffer.from(hex, 'hex'));
  if (datagrams.length === 0) throw new Error(`${file} lists no datagrams`);
  const count = values.count === undefined ? datagrams.length : Number(values.count);
  const burst = Number(values.burst);
  const everyMs = Number(values['every-ms']);

  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ port: 0, ...(values.from ? { address: values.from } : {}) }, resolve));
  const started = Date.now();
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < count; i += burst) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(count, i + burst); j++) {
      batch.push(new Promise((resolve) => socket.send(datagrams[j % datagrams.length]!, port, to, (err) => {
        if (err) failed++;
        else sent++;
        resolve();
      })));
    }
    // Waiting for the batch keeps the sender at the pace the kernel accepts.
    await Promise.all(batch);
    if (everyMs > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  socket.close();
  process.stdout.write(`${JSON.stringify({ sent, failed, ms: Date.now() - started })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`udp-sender: ${err.message}\n`);
  process.exit(1);
});
