import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** sync_check_timers against a scratch unit dir, with a systemctl that only logs its arguments. */
async function sync(custom: unknown[], existing: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-check-timers-'));
  const units = join(dir, 'units');
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const id of existing) await mkdir(join(units, `ldm-healthcheck-check@${id}.timer.d`), { recursive: true });
  await writeFile(join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> ${join(dir, 'systemctl.log')}\n`);
  await chmod(join(bin, 'systemctl'), 0o755);
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ healthcheck: { custom } }));
  const script = `. ${ROOT}scripts/lib/common.sh; . ${ROOT}scripts/lib/check-timers.sh; sync_check_timers "$1" "$2" 1`;
  await new Promise<void>((resolve, reject) =>
    execFile('bash', ['-c', script, 'test', process.execPath, config], { env: { PATH: `${bin}:/usr/bin:/bin`, LDM_UNIT_DIR: units, DRY_RUN: '0', HOME: '/tmp' } }, (err, _o, stderr) =>
      err ? reject(new Error(stderr, { cause: err })) : resolve(),
    ),
  );
  const log = await readFile(join(dir, 'systemctl.log'), 'utf8').catch(() => '');
  return { units, log, dirs: (await readdir(units).catch(() => [])).sort() };
}

describe('per-check timers from healthcheck.custom', () => {
  test('a drop-in and an enabled timer for each check with intervalSec; stale ones removed; unsafe ids never become file names', async () => {
    const out = await sync(
      [
        { id: 'fast', kind: 'tcp', host: 'h', port: 1, intervalSec: 30 },
        { id: '../escape', kind: 'tcp', host: 'h', port: 1, intervalSec: 30 },
        { id: 'slow', kind: 'tcp', host: 'h', port: 1 },
        { id: 'off', kind: 'tcp', host: 'h', port: 1, intervalSec: 30, enabled: false },
      ],
      ['old'],
    );
    expect(out.dirs).toEqual(['ldm-healthcheck-check@fast.timer.d']);
    expect(await readFile(join(out.units, 'ldm-healthcheck-check@fast.timer.d/interval.conf'), 'utf8')).toMatch(/\[Timer\]\nOnUnitActiveSec=\nOnUnitActiveSec=30s\n$/);
    expect(out.log).toContain('enable --now --quiet ldm-healthcheck-check@fast.timer');
    expect(out.log).toContain('disable --now --quiet ldm-healthcheck-check@old.timer');
    expect(out.log).not.toMatch(/escape|slow|@off/);
  });
});
