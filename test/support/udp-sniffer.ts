// A passive UDP capture for e2e tests, run inside a lab namespace (`ip netns exec`): socat's
// packet socket (its INTERFACE: address, so no tool beyond the lab's own socat is needed) copies
// every Ethernet frame seen on DEV to a loopback UDP socket of this process, one frame per
// datagram; the IPv4/UDP datagrams addressed to TO:PORT are printed as `SOURCE HEX` lines.
// The daemon bound to that port still receives every datagram: a packet socket only gets copies.
// Touches nothing but the namespace's loopback and its own socat child.
//
//   node dist/test/support/udp-sniffer.js --dev eth0 --to 10.77.0.2 --port 694
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';

const ETHERTYPE_IPV4 = 0x0800;
const ETH_HEADER = 14;
const IPPROTO_UDP = 17;

const ipv4 = (b: Buffer, at: number): string => [...b.subarray(at, at + 4)].join('.');

/** The UDP payload of an Ethernet frame carrying an unfragmented IPv4/UDP datagram to to:port. */
function udpPayload(frame: Buffer, to: string, port: number): { source: string; payload: Buffer } | null {
  if (frame.length < ETH_HEADER + 20 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) return null;
  const ip = frame.subarray(ETH_HEADER);
  const headerBytes = (ip[0]! & 0x0f) * 4;
  const fragmented = (ip.readUInt16BE(6) & 0x3fff) !== 0;
  if (ip[9] !== IPPROTO_UDP || fragmented || ip.length < headerBytes + 8 || ipv4(ip, 16) !== to) return null;
  const udp = ip.subarray(headerBytes);
  if (udp.readUInt16BE(2) !== port) return null;
  return { source: ipv4(ip, 12), payload: udp.subarray(8, udp.readUInt16BE(4)) };
}

function main(): void {
  const { values } = parseArgs({ options: { dev: { type: 'string' }, to: { type: 'string' }, port: { type: 'string' } } });
  const { dev, to } = values;
  const port = Number(values.port);
  if (!dev || !to || !Number.isInteger(port)) {
    process.stderr.write('usage: udp-sniffer --dev DEV --to ADDRESS --port PORT\n');
    process.exit(2);
  }
  const socket = createSocket('udp4');
  socket.on('message', (frame) => {
    const found = udpPayload(frame, to, port);
    if (found) process.stdout.write(`${found.source} ${found.payload.toString('hex')}\n`);
  });
  socket.bind(0, '127.0.0.1', () => {
    const socat = spawn('socat', ['-u', `INTERFACE:${dev}`, `UDP-SENDTO:127.0.0.1:${socket.address().port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    socat.on('exit', (code, signal) => {
      process.stderr.write(`udp-sniffer: socat ended (${signal ?? `exit ${code}`})\n`);
      process.exit(1);
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        socat.removeAllListeners('exit');
        socat.kill('SIGTERM');
        process.exit(0);
      });
    }
  });
}

main();
