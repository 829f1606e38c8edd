import { describe, expect, test } from '@jest/globals';
import { startProcess, type Sandbox, type StartOptions } from '@ldm/core';
import { containedRunner } from '../src/contained-runner';

/** A "sandbox" that records what it is asked to start and starts it for real. */
function recordingSandbox(started: StartOptions[]): Sandbox {
  return { backend: 'bubblewrap', plan: {} as Sandbox['plan'], launch: (o) => (started.push(o), startProcess(o)) };
}

describe("the owner's Nagios plugins run contained", () => {
  test('through the sandbox, with their exit code and output; the sandbox is opened once, on first use', async () => {
    const started: StartOptions[] = [];
    let opened = 0;
    const run = containedRunner(async () => (opened++, { sandbox: recordingSandbox(started) }));
    expect(opened).toBe(0);
    const r = await run(['/bin/sh', '-c', 'echo "DISK WARNING | /=91%"; exit 1']);
    expect(r).toEqual({ stdout: 'DISK WARNING | /=91%\n', stderr: '', exitCode: 1 });
    await run(['/bin/true']);
    expect(opened).toBe(1);
    expect(started.map((s) => s.argv[0])).toEqual(['/bin/sh', '/bin/true']);
  });

  test('no sandbox: the plugin is not run at all', async () => {
    const run = containedRunner(async () => ({ unavailable: 'neither systemd-run nor bwrap works here' }));
    await expect(run(['/bin/touch', '/tmp/never'])).rejects.toThrow(/no containment sandbox.*neither systemd-run nor bwrap/);
  });

  test('a plugin past its timeout is killed and the check fails', async () => {
    const run = containedRunner(async () => ({ sandbox: recordingSandbox([]) }));
    const t0 = Date.now();
    await expect(run(['/bin/sleep', '30'], { timeoutMs: 300 })).rejects.toThrow(/killed/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
