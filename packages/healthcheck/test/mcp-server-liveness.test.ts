import { describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real MCP server bundle, the real /proc: the identity checks (cmdline, start time) and the
// kill path run against a live process, not a fixture.
const ROOT = new URL('../../../', import.meta.url).pathname;
const bundle = (name: string) => join(ROOT, 'dist', `${name}.mjs`);

function setup(config: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-liveness-'));
  const stateDir = join(dir, 'state');
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const args = ['--state-dir', stateDir, '--config', configFile];
  const state = () => {
    try {
      return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    } catch {
      return null;
    }
  };
  const healthcheck = () => {
    const r = spawnSync(process.execPath, [bundle('ldm-healthcheck'), '--once', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(r.stdout);
    return out.checks.find((c: { id: string }) => c.id === 'mcp-sessions') as { status: string; metrics: Record<string, number> };
  };
  const server = () => spawn(process.execPath, [bundle('ldm-mcp-server'), ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
  return { stateDir, state, healthcheck, server };
}

async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess) => new Promise<string | number>((r) => child.on('exit', (code, signal) => r(signal ?? code ?? -1)));

describe('healthcheck against a live ldm-mcp-server', () => {
  test('alive while it runs; its heartbeat is removed once the process is gone', async () => {
    const s = setup({});
    const child = s.server();
    const done = exited(child);
    try {
      await waitFor('the heartbeat', () => s.state()?.sessions?.some((x: { pid: number }) => x.pid === child.pid));
      expect(s.healthcheck()).toMatchObject({ status: 'ok', metrics: { sessions: 1, alive: 1, gone: 0 } });
    } finally {
      child.kill('SIGKILL');
    }
    await done;
    expect(s.healthcheck().metrics).toMatchObject({ sessions: 1, gone: 1 });
    expect(s.state().sessions).toEqual([]);
  });

  test('a hung server (stopped, heartbeat stale) is killed when the policy allows it', async () => {
    const s = setup({ healthcheck: { heartbeatStaleSec: 10, killStaleSessions: true } });
    const child = s.server();
    const done = exited(child);
    try {
      await waitFor('the heartbeat', () => s.state()?.sessions?.some((x: { pid: number }) => x.pid === child.pid));
      child.kill('SIGSTOP');
      // Age the heartbeat instead of waiting: the stopped server cannot refresh it.
      const doc = s.state();
      doc.sessions[0].lastActivity = new Date(Date.now() - 60_000).toISOString();
      doc.sessions[0].beatUptimeSec -= 60;
      writeFileSync(join(s.stateDir, 'state.json'), JSON.stringify(doc));
      const report = s.healthcheck();
      expect(report).toMatchObject({ status: 'warn', metrics: { stale: 1 } });
      // SIGTERM stays pending on a stopped process, so the healthcheck had to follow with SIGKILL.
      expect(await done).toBe('SIGKILL');
      expect(s.state().sessions).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test.each([30_000, -30_000, 86_400_000])('the wall clock stepped by %d ms since the server started: still alive, heartbeat kept', async (stepMs) => {
    const s = setup({});
    const child = s.server();
    const done = exited(child);
    try {
      await waitFor('the heartbeat', () => s.state()?.sessions?.some((x: { pid: number }) => x.pid === child.pid));
      // What a step of the clock looks like to the next healthcheck: the server's wall-clock stamps
      // are off by the step, its boot-clock stamps are not.
      const doc = s.state();
      for (const key of ['startedAt', 'lastActivity']) doc.sessions[0][key] = new Date(Date.parse(doc.sessions[0][key]) - stepMs).toISOString();
      writeFileSync(join(s.stateDir, 'state.json'), JSON.stringify(doc));
      expect(s.healthcheck()).toMatchObject({ status: 'ok', metrics: { sessions: 1, alive: 1, gone: 0, stale: 0 } });
      expect(s.state().sessions.map((x: { pid: number }) => x.pid)).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
    }
    await done;
  });
});
