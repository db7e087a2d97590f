// The real transport and protocol edge for the daemon: UDP/serial links from config.media and
// the signed frame codec with per-link replay windows.
//
// NOT WIRED YET: src/protocol (codec, auth, replay) and src/transport (udp, serial) have not
// landed when this was written. Until they do, `twinbeat start` fails with this message instead
// of running without heartbeats. Every other command works.
import type { Wiring } from './main.js';

const missing = 'twinbeat was built without its heartbeat transport (src/protocol codec and src/transport links are not wired into src/daemon/wiring.ts yet)';

export const realWiring: Wiring = {
  createLinks() {
    throw new Error(missing);
  },
  createCodec() {
    throw new Error(missing);
  },
};
