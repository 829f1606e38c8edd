// Issue #13: "invalid config …:" was logged at err and the lines naming the bad keys at info, so
// `journalctl -p err` showed no cause. journald reads the <N> prefix per stderr line.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../packages/core/test/checks/e2e-env';

describe.each(['ldm-healthcheck', 'ldm-idle-watcher', 'ldm-boot-check', 'ldm-mcp-server'])('%s', (bin) => {
  test('an invalid config: every stderr line is at err priority, and the bad keys are among them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-prio-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ idle: { minutes: -5 }, logging: { level: 'loud' } }));
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', `${bin}.mjs`), '--state-dir', join(dir, 'state'), '--config', config], {
      encoding: 'utf8',
      timeout: 30_000,
      input: '',
    });
    expect(r.status).toBe(78);
    const lines = r.stderr.split('\n').filter(Boolean);
    // One whole line per bad field (invalid config: FILE: FIELD: WHY), each at err.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^<3>/);
    expect(lines.some((l) => l.includes('idle.minutes'))).toBe(true);
    expect(lines.some((l) => l.includes('logging.level'))).toBe(true);
  });
});
