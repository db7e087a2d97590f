// The lab's client-facing service: a UDP echo on every node that answers with the node's name.
// It binds 0.0.0.0 on every node, so only the node currently holding the floating IP receives
// (and answers) the client's packets to that address: the answer names the holder. With --ipv6
// it also binds :: (IPv6 only), for the lab's IPv6 floating address.
//
//   node dist/scripts/lab/echo-service.js --name alpha [--port 7777] [--ipv6]
//
// A request `X` gets the reply `<name> X`. Prints `listening <port>` once bound.
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { LAB_NET } from './addresses.js';

const ECHO_PORT = LAB_NET.echoPort;

function main(): void {
  const { values } = parseArgs({
    options: { name: { type: 'string' }, port: { type: 'string', default: String(ECHO_PORT) }, ipv6: { type: 'boolean', default: false } },
  });
  const name = values.name;
  if (!name || /\s/.test(name)) {
    process.stderr.write('usage: echo-service --name NODE [--port 7777] [--ipv6]\n');
    process.exit(2);
  }
  const binds: [Socket, string][] = [[createSocket('udp4'), '0.0.0.0']];
  if (values.ipv6) binds.push([createSocket({ type: 'udp6', ipv6Only: true }), '::']);
  let bound = 0;
  for (const [socket, address] of binds) {
    socket.on('message', (msg, from) => {
      socket.send(`${name} ${msg.toString('utf8')}`, from.port, from.address);
    });
    socket.on('error', (err) => {
      process.stderr.write(`echo-service: ${err.message}\n`);
      process.exit(1);
    });
    socket.bind(Number(values.port), address, () => {
      if (++bound === binds.length) process.stdout.write(`listening ${values.port}\n`);
    });
  }
  const close = (): void => {
    let open = binds.length;
    for (const [socket] of binds) socket.close(() => --open === 0 && process.exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, close);
}

main();
