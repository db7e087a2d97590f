// A hostile client for the lab (run inside the client namespace): keeps `count` TCP connections
// open to HOST:PORT without sending a byte, reconnecting each one `retryMs` after the server
// closes it, like an attacker holding a metrics port. Prints a JSON summary line every second
// and a final one on SIGTERM:
//   {"open":N,"attempts":N,"closedByServer":N,"errors":N}
//   node hold-connections.js HOST PORT COUNT [RETRY_MS]
import { connect, type Socket } from 'node:net';

const [host = '127.0.0.1', portText = '0', countText = '3000', retryText = '1000'] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const retryMs = Number(retryText);
const totals = { open: 0, attempts: 0, closedByServer: 0, errors: 0 };
let stopping = false;
const sockets = new Set<Socket>();

function hold(): void {
  if (stopping) return;
  totals.attempts++;
  const socket = connect(port, host);
  sockets.add(socket);
  let opened = false;
  socket.on('connect', () => {
    opened = true;
    totals.open++;
  });
  socket.on('error', () => void totals.errors++);
  socket.on('close', () => {
    sockets.delete(socket);
    if (opened) {
      totals.open--;
      totals.closedByServer++;
    }
    if (!stopping) setTimeout(hold, retryMs);
  });
}

// Ramp up in batches so the SYN backlog is not the only thing under test.
for (let i = 0; i < count; i++) setTimeout(hold, Math.floor(i / 200) * 50);
const report = () => process.stdout.write(`${JSON.stringify(totals)}\n`);
const ticker = setInterval(report, 1000);
process.on('SIGTERM', () => {
  stopping = true;
  clearInterval(ticker);
  report();
  for (const s of sockets) s.destroy();
  process.exit(0);
});
