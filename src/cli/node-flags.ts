// How Node.js runs twinbeat. The daemon executes little JavaScript — a few small frames per
// keepalive — so V8's optimising compilers and eager feedback allocation buy nothing and cost
// memory: --lite-mode took the daemon from 66 to 55 MB RSS with no more CPU (measured in the lab
// at keepalive 100 ms, /proc/PID/status and schedstat over 30 s). --no-expose-wasm silences the
// warning lite mode otherwise prints (twinbeat uses no WebAssembly).
//
// The same flags must be in the executable's shebang (src/cli/main.ts; a unit test checks) —
// that is how systemd's ExecStart and operators run it — and are passed explicitly wherever a
// daemon is spawned with process.execPath (start's detached child, the lab).
export const NODE_FLAGS = ['--lite-mode', '--no-expose-wasm'] as const;
