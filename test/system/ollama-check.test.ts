import { describe, test, expect, afterEach } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startFakeOllama, HEALTHY, type FakeOllama, type FakeAnswer } from './fake-ollama';

const SCRIPT = join(import.meta.dirname, '../../scripts/ollama_check.sh');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function check(args: string[], env: Record<string, string> = {}): Promise<Result> {
  // A clean environment: the caller's OLLAMA_HOST / OLLAMA_API_KEY must not leak into a case.
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, ...args], { env: { ...base, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
async function serve(overrides: Record<string, FakeAnswer>): Promise<FakeOllama> {
  fake = await startFakeOllama({ ...HEALTHY, ...overrides });
  return fake;
}

/** A port that nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('ollama_check.sh, local target', () => {
  test('a healthy Ollama with a model is OK (0) and the first line is Nagios-style with perfdata', async () => {
    const { url } = await serve({});
    const r = await check(['--url', url]);
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0];
    expect(first).toMatch(/^OLLAMA OK - local 0\.12\.3, 1 model\(s\), 0 loaded \| local_models=1 local_loaded=0 local_ms=\d+ms$/);
    expect(r.stdout).toContain('qwen2.5:0.5b');
  });

  test('uses /api/version, /api/tags and /api/ps', async () => {
    const f = await serve({});
    await check(['--url', f.url]);
    expect(f.requests.map((q) => q.path)).toEqual(['/api/version', '/api/tags', '/api/ps']);
  });

  test('OLLAMA_HOST in host:port form is honoured', async () => {
    const f = await serve({});
    const r = await check([], { OLLAMA_HOST: f.url.replace('http://', '') });
    expect(r.code).toBe(0);
  });

  test('no models installed is WARNING (1)', async () => {
    const { url } = await serve({ '/api/tags': { body: { models: [] } } });
    const r = await check(['--url', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^OLLAMA WARNING - .*no models installed/);
  });

  test('connection refused is CRITICAL (2) and says so', async () => {
    const port = await closedPort();
    const r = await check(['--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^OLLAMA CRITICAL - local: connection refused/);
  });

  test('no answer within --timeout is CRITICAL (2), reported as a timeout', async () => {
    const { url } = await serve({ '/api/version': { hang: true } });
    const r = await check(['--url', url, '--timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no answer .* within 1s \(timeout\)/);
  });

  test('HTTP 404 is CRITICAL (2): not an Ollama API', async () => {
    const { url } = await serve({ '/api/version': { status: 404, body: 'not found' } });
    const r = await check(['--url', url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/HTTP 404 .*no Ollama API there/);
  });

  test('HTTP 500 is CRITICAL (2) and quotes the server error', async () => {
    const { url } = await serve({ '/api/tags': { status: 500, body: 'model store corrupted' } });
    const r = await check(['--url', url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/HTTP 500 .*server error: model store corrupted/);
  });

  test('a 200 that is not JSON is UNKNOWN (3)', async () => {
    const { url } = await serve({ '/api/version': { body: '<html>captive portal</html>' } });
    const r = await check(['--url', url]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^OLLAMA UNKNOWN - local: HTTP 200 .*not JSON/);
  });

  test('JSON of the wrong shape is UNKNOWN (3)', async () => {
    const { url } = await serve({ '/api/tags': { body: { tags: [] } } });
    const r = await check(['--url', url]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('no "models" array');
  });
});

describe('ollama_check.sh, cloud target', () => {
  test('with OLLAMA_API_KEY it sends the bearer token to <base>/tags, and never on the command line', async () => {
    const f = await serve({});
    const r = await check(['--no-local', '--cloud-url', `${f.url}/api`], { OLLAMA_API_KEY: 'sk-test-123' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OLLAMA OK - cloud 1 model\(s\) \| cloud_models=1 cloud_ms=\d+ms$/m);
    expect(f.requests).toEqual([{ path: '/api/tags', authorization: 'Bearer sk-test-123' }]);
    expect(r.stdout + r.stderr).not.toContain('sk-test-123');
  });

  test('a rejected key (401) is CRITICAL (2)', async () => {
    const { url } = await serve({ '/api/tags': { status: 401, body: { error: 'unauthorized' } } });
    const r = await check(['--no-local', '--cloud-url', `${url}/api`], { OLLAMA_API_KEY: 'bad' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/HTTP 401 .*API key was rejected/);
  });

  test('403 is CRITICAL (2) too', async () => {
    const { url } = await serve({ '/api/tags': { status: 403, body: { error: 'forbidden' } } });
    const r = await check(['--no-local', '--cloud-url', `${url}/api`], { OLLAMA_API_KEY: 'bad' });
    expect(r.code).toBe(2);
  });

  test('--cloud without a key is UNKNOWN (3)', async () => {
    const r = await check(['--no-local', '--cloud']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('OLLAMA_API_KEY is not set');
  });

  test('both targets: the worst wins (local down beats cloud OK)', async () => {
    const f = await serve({});
    const port = await closedPort();
    const r = await check(['--url', `http://127.0.0.1:${port}`, '--cloud-url', `${f.url}/api`], { OLLAMA_API_KEY: 'k' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^OK cloud:/m);
    expect(r.stdout).toMatch(/^CRITICAL local:/m);
  });
});

describe('ollama_check.sh, usage', () => {
  test('--help describes the exit codes and exits 0', async () => {
    const r = await check(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 UNKNOWN');
  });

  test('an unknown option is UNKNOWN (3) and names the option', async () => {
    const r = await check(['--frobnicate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});
