// A UDP port that is free on `address` right now (bind to 0, read it, release it).
import dgram from 'node:dgram';

export function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
