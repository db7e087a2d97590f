// The lab's client-facing service: a UDP echo on every node that answers with the node's name.
// It binds 0.0.0.0 on every node, so only the node currently holding the floating IP receives
// (and answers) the client's packets to that address: the answer names the holder.
//
//   node dist/scripts/lab/echo-service.js --name alpha [--port 7777]
//
// A request `X` gets the reply `<name> X`. Prints `listening <port>` once bound.
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { LAB_NET } from './addresses.js';

const ECHO_PORT = LAB_NET.echoPort;

function main(): void {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, port: { type: 'string', default: String(ECHO_PORT) } },
  });
  const name = values.name;
  if (!name || /\s/.test(name)) {
    process.stderr.write('usage: echo-service --name NODE [--port 7777]\n');
    process.exit(2);
  }
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    socket.send(`${name} ${msg.toString('utf8')}`, from.port, from.address);
  });
  socket.on('error', (err) => {
    process.stderr.write(`echo-service: ${err.message}\n`);
    process.exit(1);
  });
  socket.bind(Number(values.port), '0.0.0.0', () => process.stdout.write(`listening ${values.port}\n`));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => socket.close(() => process.exit(0)));
}

main();
