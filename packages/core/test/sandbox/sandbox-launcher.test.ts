// The systemd launcher against a stand-in systemd-run (the real one needs systemd as PID 1: see
// test/system/sandbox-probe.mjs): it reads the report systemd-run prints, and a kill stops the unit.
import { describe, test, expect, afterAll } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, systemdSandbox, type SandboxPlan } from '@ldm/core';

const dir = mkdtempSync(join(tmpdir(), 'ldm-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Prints what systemd-run prints around the command: the unit, then the command's own output, then
// the report; running `sleep` it waits for a TERM, as a unit being stopped would, and reports the signal.
const fake = join(dir, 'systemd-run');
writeFileSync(
  fake,
  `#!/bin/bash
unit=$(printf '%s\\n' "$@" | sed -n 's/^--unit=//p')
echo "Running as unit: $unit.service" >&2
printf '%s\\n' "$@" > ${dir}/argv
echo out; echo err >&2
if [[ " $* " == *" -- sleep "* ]]; then
  trap 'echo "Finished with result: success" >&2; echo "Main processes terminated with: code=killed/status=TERM" >&2; exit 0' TERM
  sleep 30 & wait
fi
echo "Finished with result: exit-code" >&2
echo "Main processes terminated with: code=exited/status=3" >&2
echo "Service runtime: 10ms" >&2
exit 3
`,
);
chmodSync(fake, 0o755);

const plan: SandboxPlan = { user: { name: 'nobody', uid: 65534, gid: 65534 }, writable: [], hidden: [], memoryMax: '512M', memoryMaxBytes: 512 * 1024 ** 2, tasksMax: 256, groups: [], runtimeMaxSec: 600, cgroupCaps: true };

describe('systemd launcher', () => {
  test("the exit comes from systemd-run's report, which is taken out of stderr", async () => {
    const stopped: string[] = [];
    const box = systemdSandbox(plan, { systemdRun: fake, stopUnit: (u) => stopped.push(u), bwrap: { bwrap: 'bwrap', prlimit: 'prlimit', setpriv: 'setpriv' }, asRoot: true, env: { PATH: process.env.PATH } });
    const r = await runProcess({ argv: ['echo', '$HOME'], cwd: '/var/log', maxBufferBytes: 65536, timeoutMs: 10_000, launch: box.launch });
    expect(r).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
    expect(stopped).toEqual([]);
    const argv = readFileSync(join(dir, 'argv'), 'utf8').split('\n');
    expect(argv.slice(argv.indexOf('--') + 1, -1)).toEqual(['echo', '$$HOME']);
    expect(argv).toContain('WorkingDirectory=/var/log');
  });

  test('a timeout stops the unit (systemctl stop), and the signal it ended with is reported', async () => {
    const stopped: string[] = [];
    let client = 0;
    const box = systemdSandbox(plan, {
      systemdRun: fake,
      // What systemctl stop does to the unit: the command gets TERM, systemd-run reports it.
      stopUnit: (u) => {
        stopped.push(u);
        process.kill(client, 'SIGTERM');
      },
      bwrap: { bwrap: 'bwrap', prlimit: 'prlimit', setpriv: 'setpriv' },
      asRoot: true,
      env: { PATH: process.env.PATH },
    });
    const launch: typeof box.launch = (o) => {
      const h = box.launch(o);
      client = h.pid!;
      return h;
    };
    const r = await runProcess({ argv: ['sleep', '30'], maxBufferBytes: 65536, timeoutMs: 300, launch });
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatch(/^ldm-cmd-\d+-[0-9a-f]{12}\.service$/);
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
  });
});
