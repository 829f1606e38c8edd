// Proof by execution: every refused command of the corpus goes through the same decision the MCP
// server makes, and a harness that would run it with `bash -c` if (and only if) it were allowed.
// Each line starts with `touch '<marker>'`, so if any part of it ran, the marker exists.
//
// Safety: this machine is real and the tests may run as root. Even if the policy wrongly allowed a
// line, it runs inside bubblewrap as uid 65534, with the whole filesystem bind-mounted read-only,
// no network, its own pid/ipc/uts namespaces, no capabilities and a minimal /dev without disks.
// Only the marker directory is writable. Without bwrap the execution tests are skipped (the
// decision tests in decide-command.test.ts still run); the positive controls below prove that the
// harness really executes what is allowed, so a passing run is not vacuous.
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideCommand, PolicyConfigSchema, type CommandDecision } from '@ldm/core';
import { DANGEROUS, EVERYDAY, CTX } from './corpus';

const policy = PolicyConfigSchema.parse({});

function sandboxArgv(dir: string, line: string): string[] {
  const bwrap = [
    'bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--bind', dir, dir,
    '--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--clearenv',
    '--setenv', 'PATH', '/usr/sbin:/usr/bin:/sbin:/bin', '--setenv', 'HOME', dir, '--setenv', 'MARKER', join(dir, 'marker'), '--chdir', dir,
    'bash', '-c', line,
  ];
  return process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...bwrap] : bwrap;
}

function sandboxWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-harness-probe-'));
  try {
    chmodSync(dir, 0o777);
    const [cmd, ...args] = sandboxArgv(dir, 'touch "$MARKER"; touch /etc/ldm-harness-probe 2>/dev/null && exit 3; exit 0');
    const r = spawnSync(cmd!, args, { timeout: 10_000 });
    return r.status === 0 && existsSync(join(dir, 'marker'));
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SANDBOX = sandboxWorks();
if (!SANDBOX) process.stderr.write('command-harness: bubblewrap sandbox unavailable; execution tests skipped\n');
const sandboxed = SANDBOX ? test : test.skip;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldm-harness-'));
  chmodSync(dir, 0o777);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the MCP server does: decide, and run only if allowed. Returns whether it ran. */
function harness(line: string): { decision: CommandDecision; ran: boolean } {
  const decision = decideCommand({ command: line }, policy, CTX);
  if (decision.action !== 'allow') return { decision, ran: false };
  const [cmd, ...args] = sandboxArgv(dir, line);
  spawnSync(cmd!, args, { timeout: 20_000, stdio: 'ignore' });
  return { decision, ran: true };
}

const marker = () => join(dir, 'marker');

describe('refused commands are not run', () => {
  sandboxed.each(DANGEROUS.map((c) => [c.command] as const))('%j', (command) => {
    rmSync(marker(), { force: true });
    const line = `touch '${marker()}'; ${command}`;
    const { decision } = harness(line);
    expect(decision.action).not.toBe('allow');
    expect(existsSync(marker())).toBe(false);
  });
});

describe('positive controls: allowed commands do run in the harness', () => {
  const controls = EVERYDAY.filter((c) => c.readOnly).slice(0, 12);
  sandboxed.each(controls.map((c) => [c.command] as const))('%j', (command) => {
    rmSync(marker(), { force: true });
    const { decision, ran } = harness(`touch '${marker()}'; ${command}`);
    expect(decision.action).toBe('allow');
    expect(ran).toBe(true);
    expect(existsSync(marker())).toBe(true);
  });
});
