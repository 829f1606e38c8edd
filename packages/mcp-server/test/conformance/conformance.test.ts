import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The independent MCP conformance suite, run against the real bundle over Streamable HTTP. It
// needs Node 22 (it fails to start on Node 20), which scripts/lib/node22.sh provides from the npm
// registry. The suite cannot send a bearer token, so this instance runs with --insecure-no-auth,
// which the server refuses on anything but loopback (tested in http-guards.test.ts).
const ROOT = new URL('../../../../', import.meta.url).pathname;
const SUITE = join(ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const EXPECTED = join(ROOT, 'packages/mcp-server/test/conformance/expected-failures.yaml');

let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-conformance-'));
  // The suite opens a session per scenario in quick succession: lift the per-client rate limit.
  await writeFile(join(dir, 'config.json'), JSON.stringify({ http: { rateLimit: { perMinute: 60000, burst: 10000 } } }));
  server = spawn(process.execPath, [join(ROOT, 'dist/ldm-mcp-server.mjs'), '--http', '--insecure-no-auth', '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state'), '--config', join(dir, 'config.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 20_000);
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const m = /serving MCP on (http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}, 30_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

describe('MCP conformance suite (server scenarios, Streamable HTTP)', () => {
  test('every scenario passes except the documented expected failures', () => {
    const node22 = spawnSync('bash', [join(ROOT, 'scripts/lib/node22.sh')], { encoding: 'utf8' });
    expect(node22.status).toBe(0);
    const run = spawnSync(node22.stdout.trim(), [SUITE, 'server', '--url', url, '--expected-failures', EXPECTED], { encoding: 'utf8', timeout: 300_000 });
    const summary = run.stdout.slice(run.stdout.indexOf('=== SUMMARY ==='));
    // On failure the summary shows which scenario regressed or which expected failure went stale.
    expect({ exit: run.status, summary }).toEqual({ exit: 0, summary: expect.stringContaining('Baseline check passed') });
  }, 320_000);
});
