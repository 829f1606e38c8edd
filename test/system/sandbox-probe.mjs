#!/usr/bin/env node
// sandbox-probe.mjs - run by run.sh inside the system-test container, as root, against the installed
// server: the systemd backend contains what the model runs. Judged by effect on the host (files,
// units), never by wording. Prints "ok: ..." per check; exits 1 at the first failure.
// Usage: node sandbox-probe.mjs SERVER-BINARY
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connectStdio } from '../../bench/lib/mcp-stdio.mjs';

const server = process.argv[2] ?? '/opt/linux-devops-mcp/bin/ldm-mcp-server';
const s = await connectStdio([server]);
const sh = (cmd) => execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' }).trim();
const fail = (why, r) => {
  console.error(`FAIL: ${why}\n${JSON.stringify(r, null, 1).slice(0, 2000)}`);
  process.exit(1);
};
const ok = (what) => console.log(`ok: ${what}`);
/** A script the parser cannot see into: it runs in the sandbox unasked, and only the sandbox stops it. */
const unseen = (script) => `printf '%s\\n' '${script.replace(/'/g, `'\\''`)}' > /tmp/s.sh && bash /tmp/s.sh`;
async function run(args) {
  const r = await s.call('run_command', args);
  if (r.isError) fail(`run_command ${JSON.stringify(args)} was refused`, r);
  return r.structuredContent;
}

const who = await run({ command: 'id -u; id -Gn; id -un' });
if (who.sandbox !== 'systemd') fail('the systemd backend was not chosen', who);
if (who.stdout.split('\n')[0] === '0') fail('sandboxed command runs as root', who);
if (who.stdout.split('\n')[2] !== 'ldm-sandbox') fail('commands do not run as the dedicated ldm-sandbox user setup created', who);
ok(`systemd backend, uid ${who.stdout.split('\n')[0]} (ldm-sandbox), groups ${who.stdout.split('\n')[1]}`);
const sbxUnits = () => sh("systemctl list-units --no-legend --plain --state=active 'ldm-sbx-*' | awk '{print $1}'").split('\n').filter(Boolean);
const mine = sbxUnits().filter((u) => u.startsWith(`ldm-sbx-${s.pid}-`));
if (mine.length !== 1) fail(`expected one persistent sandbox unit of this server, found ${JSON.stringify(sbxUnits())}`, {});
ok(`one persistent sandbox unit serves the server's commands (${mine[0]})`);

await run({ command: unseen('touch /etc/ldm-probe; mkdir -p /run/systemd/system; echo "[Service]" > /run/systemd/system/ldm-probe.service; touch /var/lib/linux-devops-mcp/probe /opt/linux-devops-mcp/probe; echo "{}" > /etc/linux-devops-mcp/config.json') });
for (const f of ['/etc/ldm-probe', '/run/systemd/system/ldm-probe.service', '/var/lib/linux-devops-mcp/probe', '/opt/linux-devops-mcp/probe'])
  if (existsSync(f)) fail(`${f} was written from the sandbox`, {});
if (readFileSync('/etc/linux-devops-mcp/config.json', 'utf8').trim() === '{}') fail('the config was overwritten from the sandbox', {});
ok('no write reached /etc, /run/systemd/system, the state dir, /opt/linux-devops-mcp or the config');

const token = existsSync('/etc/linux-devops-mcp/http-token') ? readFileSync('/etc/linux-devops-mcp/http-token', 'utf8').trim() : '';
const secrets = await run({ command: unseen('cat /etc/linux-devops-mcp/http-token /etc/shadow; base64 /etc/linux-devops-mcp/config.json; ls /proc/1/root/; cat /proc/1/environ') });
if (token && JSON.stringify(secrets).includes(token)) fail('the HTTP token was read from the sandbox', secrets);
if (/root:[^:\n]*:\d+:/.test(secrets.stdout)) fail('/etc/shadow was read from the sandbox', secrets);
ok('the HTTP token, /etc/shadow, the config and /proc/1/root stay unreadable');

sh('printf "[Service]\\nExecStart=/bin/sleep infinity\\n" > /etc/systemd/system/ldm-probe-dummy.service && systemctl daemon-reload && systemctl start ldm-probe-dummy.service');
const inv = sh('systemctl show -p InvocationID --value ldm-probe-dummy.service');
await run({ command: unseen('systemctl stop ldm-probe-dummy.service; busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager StopUnit ss ldm-probe-dummy.service replace; systemd-run true; systemctl stop ldm-healthcheck.timer') });
if (sh('systemctl show -p InvocationID --value ldm-probe-dummy.service') !== inv) fail('a unit was stopped or restarted from the sandbox', {});
if (sh('systemctl is-active ldm-healthcheck.timer || true') !== 'active') fail('the suite timer was stopped from the sandbox', {});
sh('systemctl stop ldm-probe-dummy.service; rm /etc/systemd/system/ldm-probe-dummy.service; systemctl daemon-reload');
ok('systemctl stop, busctl StopUnit and systemd-run from the sandbox change nothing');

for (const command of [
  'systemctl status ldm-healthcheck.timer --no-pager',
  'systemctl list-units --no-pager | head -5',
  'systemctl list-timers --no-pager',
  'systemctl show -p ActiveState ldm-healthcheck.timer',
  'journalctl -n 5 --no-pager',
  'journalctl -u systemd-journald -n 2 --no-pager',
  'journalctl -p err -n 2 --no-pager',
  'ps aux | wc -l',
  'df -h /',
  'free -m',
]) {
  const r = await run({ command });
  if (r.exit_code !== 0) fail(`everyday command failed in the sandbox: ${command}`, r);
}
const journal = await run({ command: 'journalctl -n 3 --no-pager -q' });
if (!journal.stdout.trim()) fail('the journal is not readable from the sandbox', journal);
ok('everyday reads work unasked: systemctl status/list-units/list-timers/show, journalctl (-u, -p err), ps, df, free');

// Commands share a uid and a unit with the helper: none may ptrace another (not even its own child,
// which the kernel alone would allow), so none can read or steer the helper or a neighbour.
const traced = await run({ command: unseen('sleep 30 & python3 -c "import ctypes,sys; libc=ctypes.CDLL(None,use_errno=True); r=libc.ptrace(16,int(sys.argv[1]),0,0); print(r, ctypes.get_errno())" $!; kill $!') });
if (traced.stdout.trim() !== '-1 1') fail('ptrace attach from the sandbox was not refused with EPERM', traced);
ok('ptrace from the sandbox is refused (EPERM), even of a command\'s own child');

// A secret made after the sandbox started is hidden from the next command (the plan is made per command).
sh('mkdir -p /home/ldm-later/.ssh && echo LDM-LATER-KEY > /home/ldm-later/.ssh/id_probe && chmod 644 /home/ldm-later/.ssh/id_probe && chmod 755 /home/ldm-later /home/ldm-later/.ssh');
const later = await run({ command: unseen('d=.ss; cat /home/ldm-later/${d}h/id_probe') });
sh('rm -rf /home/ldm-later');
if (later.stdout.includes('LDM-LATER-KEY')) fail('a .ssh made after the sandbox started was readable from it', later);
ok('a home .ssh created while the server runs is hidden from the next command');

// job_output shows the command's own output, nothing of the sandbox's machinery.
const job = await run({ command: 'echo job-out; echo job-err >&2; exit 4', background: true });
const jobId = job.job_id;
let out;
for (let i = 0; i < 100; i++) {
  const st = await s.call('job_status', { id: jobId });
  if (st.structuredContent?.state !== 'running') break;
  await new Promise((r) => setTimeout(r, 50));
}
out = (await s.call('job_output', { id: jobId })).structuredContent;
if (out?.stdout !== 'job-out\n' || out?.stderr !== 'job-err\n') fail('job_output is not exactly the command\'s own output', { job, out });
ok('job_output holds exactly the command\'s stdout and stderr');

const mark = `9${process.pid}`;
const t = await run({ command: `setsid sleep ${mark} & sleep ${mark}`, timeout_s: 1 });
const deadline = Date.now() + 8000;
while (Date.now() < deadline && sh(`pgrep -fxc "sleep ${mark}" || true`) !== '0') await new Promise((r) => setTimeout(r, 100));
if (!t.timed_out || sh(`pgrep -fxc "sleep ${mark}" || true`) !== '0') fail('a timeout did not stop everything in the unit', t);
ok('a timeout stops the unit, also what left the process group');

const big = await run({ command: 'head -c 2G /dev/zero | tail >/dev/null', timeout_s: 120 });
if (big.exit_code === 0 || !/memory cap/.test(big.note ?? '')) fail('a 2 GB allocation was not stopped by the memory cap', big);
const alive = await run({ command: 'echo alive' });
if (alive.stdout !== 'alive\n') fail('the server did not answer after the 2 GB command', alive);
ok(`a 2 GB allocation is stopped (exit ${big.exit_code}, signal ${big.signal}, note "${big.note}"); the server answers on`);

// The sandbox unit never outlives its server, even one killed with SIGKILL (the helper sees its stdin close).
const other = await connectStdio([server]);
if ((await other.call('run_command', { command: 'true' })).isError) fail('a second server could not run a command', {});
const its = sbxUnits().filter((u) => u.startsWith(`ldm-sbx-${other.pid}-`));
if (its.length !== 1) fail(`the second server has no persistent sandbox unit of its own: ${JSON.stringify(sbxUnits())}`, {});
process.kill(other.pid, 'SIGKILL');
const gone = Date.now() + 10_000;
while (Date.now() < gone && sbxUnits().includes(its[0])) await new Promise((r) => setTimeout(r, 100));
if (sbxUnits().includes(its[0])) fail(`${its[0]} outlived its server (killed with SIGKILL)`, {});
ok(`the sandbox unit ended with its server (SIGKILL): ${its[0]}`);
await s.close();
