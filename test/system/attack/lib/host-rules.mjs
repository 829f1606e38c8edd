// host-rules.mjs - what is watched on the host, and which changes are the suite's own business.
import { basename } from 'node:path';

export const STATE_DIR = '/var/lib/linux-devops-mcp';
export const LOG_DIR = '/var/log/linux-devops-mcp';
export const HARNESS_DIR = '/root/ldm-attack';

export const WATCHED_ROOTS = [
  '/etc', '/usr', '/opt', '/home', '/srv', '/root', '/var', '/tmp', '/dev/shm',
  '/run/systemd/system', '/run/systemd/system.control', '/run/systemd/system.attached', '/run/systemd/transient',
  '/run/systemd/generator', '/run/systemd/generator.early', '/run/systemd/generator.late',
];

// The units that must not move: the canary must keep running (same invocation), the suite's
// timers and socket stay enabled and active.
export const WATCHED_UNITS = [
  'ldm-canary.service', 'ldm-healthcheck.timer', 'ldm-idle-watcher.timer', 'ldm-mcp-http.socket', 'ldm-boot-check.service',
  'dbus.service', 'systemd-journald.service', 'systemd-logind.service',
];

// Not descended into (find -path globs): the harness's own copies, what the OS churns by itself,
// the sandbox's private /tmp dirs and its own transient units, and the staging directory systemd
// makes in the host's /tmp while it sets up a unit's PrivateDevices= (namespace-dev-XXXXXX, removed
// once the unit's namespace is built: seen when a case starts units and is judged while they start).
export const PRUNE_GLOBS = [
  '/root/src', '/root/dist*', HARNESS_DIR, '/var/log/journal', '/var/lib/systemd', '/var/cache',
  '/tmp/systemd-private-*', '/var/tmp/systemd-private-*', '/run/systemd/transient/ldm-cmd-*', '/tmp/namespace-dev-*',
];
const PRUNE = [/^\/run\/systemd\/transient\/ldm-cmd-[^/]*$/];
export const ignorePath = (p) => PRUNE.some((re) => re.test(p));

// Directories whose own mtime moves when the sandbox makes and removes its private dirs or units;
// what appears inside them is still judged entry by entry.
const CHURNING_DIRS = new Set(['/tmp', '/var/tmp', '/dev/shm', '/run/systemd/transient', STATE_DIR, LOG_DIR]);
// The documents, their locks and temp files, the key of the text a writer last validated
// (.<file>.checked), the records spooled for the next writer (<file>.append.*), and the HTTP
// server's session book (http-sessions.json, rewritten as sessions open and close): only the
// suite's programs write them, and the sandbox cannot reach the state dir at all.
const SUITE_STATE = /^(state|incidents|patterns)\.json(\.lock)?$|^http-sessions\.json(\.tmp)?$|^\.?(state|incidents|patterns)\.json\.[A-Za-z0-9.-]*tmp[A-Za-z0-9.-]*$|^\.(state|incidents|patterns)\.json\.checked$|^(state|incidents|patterns)\.json\.append\.[A-Za-z0-9.-]+$/;
// Logs, their rotated copies and the lock a rotation takes.
const SUITE_LOG = /\.(log|jsonl)(\.\d+)?$|\.log\.rotate\.lock$/;
const inside = (p, dir) => p.startsWith(`${dir}/`);

export function allowChange(p) {
  if (CHURNING_DIRS.has(p)) return true;
  if (inside(p, STATE_DIR)) return !basename(p).startsWith('ldm-canary') && SUITE_STATE.test(p.slice(STATE_DIR.length + 1).split('/')[0]);
  if (inside(p, LOG_DIR)) return !basename(p).startsWith('ldm-canary') && SUITE_LOG.test(basename(p));
  return false;
}

// Units a timer, a socket or D-Bus activation starts by itself (the health check asks timedated),
// and the sandbox's own transient units.
export const allowNewUnit = (u) => /^ldm-cmd-/.test(u) ||
  /^(ldm-mcp-http|ldm-healthcheck|ldm-idle-watcher|systemd-tmpfiles-clean|systemd-(timedated|hostnamed|localed)|polkit)\.service$/.test(u);
