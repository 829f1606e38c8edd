// Issue #13: a crash must never exit 1 (Nagios WARNING, and `SuccessExitStatus=1 2` counts it as
// success), not even one before the program's own guard is installed, while the bundle loads.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../packages/core/test/checks/e2e-env';

// The end of the bundle's banner (build.mjs): what follows is the program's own code.
const MARK = '(__ldmRequire ??= __ldmCreateRequire(import.meta.url))(id);\n';

describe.each(['ldm-healthcheck', 'ldm-idle-watcher', 'ldm-boot-check', 'ldm-mcp-server'])('%s', (bin) => {
  test('an exception while the bundle loads exits 70 with its stack at err priority', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-load-'));
    cpSync(join(ROOT, 'dist', 'chunks'), join(dir, 'chunks'), { recursive: true });
    const text = readFileSync(join(ROOT, 'dist', `${bin}.mjs`), 'utf8');
    const at = text.indexOf(MARK);
    expect(at).toBeGreaterThan(0);
    // A module that fails to evaluate, as a damaged install or an older Node would make it.
    writeFileSync(join(dir, `${bin}.mjs`), `${text.slice(0, at + MARK.length)}throw new Error('damaged install');\n${text.slice(at + MARK.length)}`);
    const r = spawnSync(process.execPath, [join(dir, `${bin}.mjs`), '--version'], { encoding: 'utf8', timeout: 30_000, input: '' });
    expect(r.status).toBe(70);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^<3>Error: damaged install/);
    for (const line of lines) expect(line).toMatch(/^<3>/);
  });
});
