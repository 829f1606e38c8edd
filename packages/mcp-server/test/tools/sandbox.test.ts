// Containment by effect: the built server, driven by a real SDK client with no elicitation, runs
// the model's commands under bubblewrap (the backend of hosts where systemd is not PID 1; the
// systemd backend is proven in test/system/run.sh). Canaries are planted where only the sandbox
// stands between them and the command: world-readable files in hidden places, world-traversable
// directories, so unix permissions alone would not have stopped a read.
import { describe, test, expect, afterEach, beforeAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { bundleEnv, type BundleEnv } from '../support/bundle';
import { ALL_TOOLS } from '../../src/tools/all-tools';
import { waitUntil } from '../support/wait-until';

type Result = { isError?: boolean; structuredContent?: Record<string, unknown>; content: Array<{ type: string; text?: string }> };

function bwrapRuns(): boolean {
  const r = spawnSync('bwrap', ['--ro-bind', '/', '/', '--unshare-user', '--unshare-pid', '--', 'true'], { timeout: 10_000 });
  return r.status === 0;
}

const BWRAP = bwrapRuns();
if (!BWRAP) process.stderr.write('\n*** sandbox.test.ts: bubblewrap cannot run on this machine: the containment tests are SKIPPED ***\n\n');
const contained = BWRAP ? test : test.skip;

const clients: Client[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Session {
  client: Client;
  transport: StdioClientTransport;
  env: BundleEnv;
  secret: string;
  extraSecretDir: string;
}

/** A server with canaries: the config dir and an extra hidden dir hold world-readable secrets. */
async function session(sandbox: Record<string, unknown> = {}): Promise<Session> {
  const secret = `canary-${randomBytes(8).toString('hex')}`;
  const extraSecretDir = `/var/tmp/ldm-sandbox-test-${randomBytes(4).toString('hex')}`;
  mkdirSync(extraSecretDir, { mode: 0o755 });
  dirs.push(extraSecretDir);
  writeFileSync(join(extraSecretDir, 'secret.txt'), `${secret}\n`, { mode: 0o644 });
  const env = bundleEnv({ policy: { sandbox: { backend: 'bubblewrap', tasksMax: 64, hiddenPaths: [extraSecretDir], ...sandbox } } });
  chmodSync(env.dir, 0o755);
  chmodSync(join(env.dir, 'etc'), 0o755);
  writeFileSync(join(env.dir, 'etc', 'http-token'), `${secret}\n`, { mode: 0o600 });
  writeFileSync(join(env.dir, 'etc', 'readable-secret'), `${secret}\n`, { mode: 0o644 });
  chmodSync(env.configFile, 0o644);
  const transport = new StdioClientTransport({ command: process.execPath, args: env.args, stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
  const client = new Client({ name: 'sandbox-e2e', version: '1' }, { capabilities: {} });
  await client.connect(transport);
  clients.push(client);
  return { client, transport, env, secret, extraSecretDir };
}

async function run(s: Session, args: Record<string, unknown>): Promise<Result> {
  const r = (await s.client.callTool({ name: 'run_command', arguments: args })) as Result;
  if (!r.isError) ALL_TOOLS.find((t) => t.name === 'run_command')!.outputSchema.parse(r.structuredContent);
  return r;
}

const text = (r: Result) => JSON.stringify(r);

/**
 * A script the parser cannot see into (it asks about `bash FILE` on the host, and the sandbox runs
 * it without asking): what it does is stopped by the sandbox alone, or not at all.
 */
const unseen = (script: string) => `printf '%s\\n' '${script.replace(/'/g, `'\\''`)}' > /tmp/s.sh && bash /tmp/s.sh`;

/** Host pids whose command line contains `needle` (read from the host's /proc, outside any sandbox). */
function hostProcesses(needle: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}


let canaryEtc = '';
beforeAll(() => {
  canaryEtc = `/etc/ldm-canary-${randomBytes(4).toString('hex')}`;
});

describe('what the model runs cannot change the host or read its secrets (bubblewrap backend)', () => {
  contained('writes to /etc, the state dir and the config dir do not happen; the command says so and runs unprivileged', async () => {
    const s = await session();
    const configBefore = readFileSync(s.env.configFile, 'utf8');
    const stateCanary = join(s.env.stateDir, 'canary');
    const r = await run(s, {
      command: unseen(`id -u; touch ${canaryEtc}; touch ${stateCanary}; echo '{"policy":{"mode":"unrestricted"}}' > ${s.env.configFile}; echo done`),
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.sandbox).toBe('bubblewrap');
    const uid = Number(String(r.structuredContent!.stdout).split('\n')[0]);
    expect(uid).not.toBe(0);
    expect(existsSync(canaryEtc)).toBe(false);
    expect(existsSync(stateCanary)).toBe(false);
    expect(readFileSync(s.env.configFile, 'utf8')).toBe(configBefore);
  });

  contained('secrets read back nothing: the HTTP token, a world-readable file in the config dir, a configured hidden path, /etc/shadow', async () => {
    const s = await session();
    const dir = join(s.env.dir, 'etc');
    for (const script of [
      `cat ${dir}/http-token`,
      `cat ${dir}/readable-secret`,
      `cat ${s.extraSecretDir}/secret.txt`,
      `base64 ${s.extraSecretDir}/secret.txt | base64 -d`,
      `tar cf - ${dir} ${s.extraSecretDir} 2>/dev/null | od -c`,
      `grep -r canary ${s.env.dir} ${s.extraSecretDir} /proc/1/root${dir} 2>/dev/null`,
    ]) {
      const r = await run(s, { command: unseen(script) });
      expect(r.isError).toBeFalsy();
      expect({ script, leaked: text(r).includes(s.secret) }).toEqual({ script, leaked: false });
    }
    const shadow = await run(s, { command: unseen('cat /etc/shadow && echo READ') });
    expect(shadow.structuredContent!.stdout).toBe('');
  });

  contained("other processes' /proc/N/root and environ stay closed, the server's included", async () => {
    const s = await session();
    const pid = s.transport.pid!;
    const r = await run(s, { command: `ls /proc/1/root/ >/dev/null && echo ROOT-OPEN; cat /proc/${pid}/environ && echo ENV-OPEN; echo end` });
    expect(r.structuredContent!.stdout).toBe('end\n');
  });

  contained('no privilege to gain: setuid does not elevate, no capabilities, no new namespaces', async () => {
    const s = await session();
    const r = await run(s, { command: "su -c id root </dev/null; grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status; unshare -U true && echo NS-OPEN; echo end" });
    expect(String(r.structuredContent!.stdout)).toMatch(/CapEff:\s+0+\n/);
    expect(String(r.structuredContent!.stdout)).toMatch(/CapBnd:\s+0+\n/);
    expect(String(r.structuredContent!.stdout)).not.toContain('NS-OPEN');
    expect(String(r.structuredContent!.stdout)).not.toMatch(/uid=0/);
  });

  contained('a 2 GB allocation is stopped by the memory cap and says so; the server lives on', async () => {
    const s = await session({ memoryMax: '256M' });
    const r = await run(s, { command: 'head -c 2G /dev/zero | tail >/dev/null' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent!.exit_code).not.toBe(0);
    expect(r.structuredContent!.note).toMatch(/memory cap 256M/);
    const after = await run(s, { command: 'echo alive' });
    expect(after.structuredContent!.stdout).toBe('alive\n');
  });

  contained('a fork loop is capped by tasksMax', async () => {
    const s = await session({ tasksMax: 32 });
    const mark = `9${randomBytes(2).readUInt16BE(0)}`;
    const r = await run(s, { command: unseen(`for i in $(seq 200); do sleep ${mark} & echo $i; done 2>/dev/null`), timeout_s: 5 });
    const started = String(r.structuredContent!.stdout).trim().split('\n').length;
    expect(started).toBeGreaterThan(5);
    expect(started).toBeLessThanOrEqual(32);
    expect(await waitUntil(() => hostProcesses(`sleep ${mark}`).length === 0, 5000)).toBe(true);
  });

  contained('a timeout stops everything the command started, even what left its process group', async () => {
    const s = await session();
    const mark = `8${randomBytes(2).readUInt16BE(0)}`;
    const r = await run(s, { command: `setsid sleep ${mark} & sleep ${mark}`, timeout_s: 1 });
    expect(r.structuredContent!.timed_out).toBe(true);
    expect(await waitUntil(() => hostProcesses(`sleep ${mark}`).length === 0, 5000)).toBe(true);
  });

  contained('job_kill stops a background job and all it started', async () => {
    const s = await session();
    const mark = `7${randomBytes(2).readUInt16BE(0)}`;
    const r = await run(s, { command: `setsid sleep ${mark} & sleep ${mark}`, background: true });
    const id = String(r.structuredContent!.job_id);
    // Both sleeps, and the shell and sandbox processes whose command lines hold the same text.
    expect(await waitUntil(() => hostProcesses(`sleep ${mark}`).length >= 2, 5000)).toBe(true);
    await s.client.callTool({ name: 'job_kill', arguments: { id } });
    expect(await waitUntil(() => hostProcesses(`sleep ${mark}`).length === 0, 5000)).toBe(true);
  });

  contained('writablePaths opens exactly the configured directory (unix permissions still apply)', async () => {
    const open = `/var/tmp/ldm-sandbox-rw-${randomBytes(4).toString('hex')}`;
    mkdirSync(open, { mode: 0o777 });
    dirs.push(open);
    chmodSync(open, 0o777);
    const s = await session({ writablePaths: [open] });
    const r = await run(s, { command: `echo hi > ${open}/out && cat ${open}/out` });
    expect(r.structuredContent!.stdout).toBe('hi\n');
    expect(readFileSync(join(open, 'out'), 'utf8')).toBe('hi\n');
  });
});

// Everyday reads and scratch work: each runs with no approval at all (the client cannot give one).
const EVERYDAY: Array<[string, string]> = [
  ['df', 'df -h'],
  ['free', 'free -m'],
  ['ps aux lists host processes', 'ps aux | wc -l | awk \'{ exit !($1 > 3) }\''],
  ['ss', 'ss -tlnp'],
  ['read /etc', 'cat /etc/os-release /etc/hostname /etc/passwd >/dev/null'],
  ['read /var/log', 'ls -la /var/log && find /var/log -maxdepth 1 -type f -readable | head -3 | xargs -r tail -n 2 >/dev/null'],
  ['find', 'find /etc -maxdepth 2 -name "*.conf" | head -5'],
  ['du', 'du -sh /usr/share/doc 2>/dev/null | tail -1'],
  ['sort/awk/sed pipeline', "awk -F: '{print $1}' /etc/passwd | sort | sed -n '1,3p'"],
  ['tar into /tmp', 'tar czf /tmp/etc.tgz /etc/hostname 2>/dev/null && tar tzf /tmp/etc.tgz'],
  ['cp into /tmp', 'cp /etc/hostname /tmp/h && cat /tmp/h'],
  ['dpkg -l', 'dpkg -l | head -5'],
  ['apt-cache policy', 'apt-cache policy bash'],
  ['journalctl where a journal exists', 'if [ -d /var/log/journal ] || [ -d /run/log/journal ]; then journalctl -n 5 --no-pager && journalctl -p err -n 5 --no-pager && journalctl -u ssh -n 5 --no-pager; fi'],
];

describe('everyday operations work in the sandbox without any approval', () => {
  contained.each(EVERYDAY)('%s', async (_name, command) => {
    const s = await session();
    const r = await run(s, { command });
    expect({ command, isError: r.isError ?? false, exit: r.structuredContent?.exit_code, stderr: r.structuredContent?.stderr }).toMatchObject({
      command,
      isError: false,
      exit: 0,
    });
  });
});
