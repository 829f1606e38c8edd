import { describe, test, expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/bundle';

// The README's local start, `npm run --silent start:local`, is an MCP client's command: every byte
// on its stdout must be protocol. Run in a copy of the package.json beside the built bundles (with
// a no-op build.mjs), so the shared dist/ is not rebuilt under the other tests.

describe('npm run --silent start:local', () => {
  test('stdout carries only JSON-RPC: no npm banner, no build output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ldm-start-local-'));
    try {
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      writeFileSync(join(dir, 'build.mjs'), "console.log('a build that talks');\n");
      symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
      mkdirSync(join(dir, 'state'));
      const child = spawn('npm', ['run', '--silent', 'start:local'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LDM_CONFIG: join(dir, 'config.json'), NO_UPDATE_NOTIFIER: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const answered = new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('"id":1')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
      child.stdin.write(`${JSON.stringify(init)}\n`);
      await Promise.race([answered, exited.then(() => Promise.reject(new Error(`exited early: ${stderr}`)))]);
      child.stdin.end();
      await exited;
      const lines = stdout.split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
      expect(stderr).toContain('a build that talks');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
