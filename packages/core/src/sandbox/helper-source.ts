// The sandbox helper: the one long-lived process inside the hardened sandbox unit
// (persistent-sandbox.ts). It starts each command it is sent, as its own child, so every command
// inherits exactly the unit's containment (user, mounts, seccomp, capabilities, no new privileges).
// It runs as `node -e HELPER_SOURCE`: CommonJS, no imports of ours, and no percent signs (systemd
// would read them as specifiers). Its protocol is helper-protocol.ts. It ends when its stdin
// closes, that is when the server is gone, however it went; the unit ends with it.
//
// Each command starts behind a gate: /bin/sh waits for one line on fd 3 before it execs the
// command, so that the server can first move its pid into the command's own cgroup, and nothing
// the command forks can start outside it.
export const GATE_SCRIPT = 'read -r _ <&3 || exit 126; exec 3<&-; exec "$@"';

export const HELPER_SOURCE = String.raw`'use strict';
const cp = require('child_process');
const fs = require('fs');
const GATE = ${JSON.stringify(GATE_SCRIPT)};
const CHUNK = 1 << 20;
const MAX_LINE = 64 << 20;
const kids = new Map();
const out = process.stdout;
function frame(kind, id, payload) {
  const head = Buffer.alloc(9);
  head[0] = kind;
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(payload.length, 5);
  out.write(head);
  return out.write(payload);
}
function event(id, e) { frame(3, id, Buffer.from(JSON.stringify(e))); }
function pipe(stream, kind, id) {
  stream.on('data', (b) => {
    let ok = true;
    for (let i = 0; i < b.length; i += CHUNK) ok = frame(kind, id, b.subarray(i, i + CHUNK));
    if (!ok) { stream.pause(); out.once('drain', () => stream.resume()); }
  });
}
function run(m) {
  let dir = null;
  try { dir = fs.statSync(m.cwd); fs.accessSync(m.cwd, fs.constants.X_OK); } catch (e) { dir = null; }
  if (!dir || !dir.isDirectory()) {
    event(m.id, { ev: 'error', code: 'ENOCWD', message: 'the sandbox could not enter the working directory ' + JSON.stringify(m.cwd) + ' (missing, not a directory, or hidden as a secret)' });
    return;
  }
  const stdio = [m.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', 'pipe'];
  const child = cp.spawn('/bin/sh', ['-c', GATE, 'sh'].concat(m.argv), { cwd: m.cwd, env: m.env, detached: true, stdio });
  const kid = { child, done: false };
  const finish = (e) => { if (kid.done) return; kid.done = true; kids.delete(m.id); event(m.id, e); };
  child.on('error', (e) => finish({ ev: 'error', code: e.code, message: 'couldn\'t start /bin/sh in the sandbox: ' + e.message }));
  if (child.pid === undefined) return;
  kids.set(m.id, kid);
  pipe(child.stdout, 1, m.id);
  pipe(child.stderr, 2, m.id);
  child.stdio[3].on('error', () => {});
  if (m.stdin !== undefined) { child.stdin.on('error', () => {}); child.stdin.end(m.stdin); }
  // A grandchild that left the group may hold the pipes open for ever: once the command itself
  // exited, give its output a moment to drain, then stop waiting.
  child.on('exit', () => setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); }, 1000).unref());
  child.on('close', (code, signal) => finish({ ev: 'exit', code, signal }));
  event(m.id, { ev: 'spawned', pid: child.pid });
}
function handle(m) {
  const kid = kids.get(m.id);
  if (m.t === 'run') run(m);
  else if (m.t === 'go' && kid) kid.child.stdio[3].end('\n');
  else if (m.t === 'kill' && kid && kid.child.pid) { try { process.kill(-kid.child.pid, m.signal); } catch (e) {} }
}
function shutdown() {
  for (const kid of kids.values()) { try { process.kill(-kid.child.pid, 'SIGKILL'); } catch (e) {} }
  process.exit(0);
}
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  let nl;
  while ((nl = pending.indexOf('\n')) !== -1) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    handle(JSON.parse(line));
  }
  if (pending.length > MAX_LINE) shutdown();
});
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
out.on('error', shutdown);
event(0, { ev: 'hello', pid: process.pid });
`;
