import { describe, expect, test } from '@jest/globals';
import { mkdtemp, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, parseConfig, resolvePaths, nearestKey, httpProbeUrl, EXIT } from '@ldm/core';

const tmp = () => mkdtemp(join(tmpdir(), 'ldm-config-'));

describe('config', () => {
  test('a missing file means defaults', async () => {
    const dir = await tmp();
    const { config, source } = await loadConfig(join(dir, 'nope.json'));
    expect(source).toBeNull();
    expect(config.policy.mode).toBe('standard');
    expect(config.state.maxIncidents).toBe(5000);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a bad field is named, with the file, and carries EX_CONFIG', async () => {
    const dir = await tmp();
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ healthcheck: { restartCap: { max: 'three' } } }));
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(EXIT.CONFIG);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('healthcheck.restartCap.max');
  });

  test('an unknown key is refused by name, so typos do not pass silently', () => {
    expect(() => parseConfig({ polcy: { mode: 'read-only' } }, 'c.json')).toThrow(/polcy/);
  });

  test.each([
    [{ healthcheck: { checks: { dsik: { warn: 80 } } } }, 'healthcheck.checks.dsik: unknown key (did you mean "disk"?)'],
    [{ healthcheck: { checks: { disk: { crtical: 95 } } } }, 'healthcheck.checks.disk.crtical: unknown key (known: enabled, warn, crit)'],
    [{ healthcheck: { checks: { swap: { anysize: true } } } }, 'healthcheck.checks.swap.anysize: unknown key (did you mean "anySize"?)'],
    [{ healthcheck: { checks: { 'failed-units': { ignore: 'x.service' } } } }, 'healthcheck.checks.failed-units.ignore: '],
    [{ healthcheck: { heartbeatStale: 60 } }, 'healthcheck.heartbeatStale: unknown key (did you mean "heartbeatStaleSec"?)'],
  ])('a misspelt check id or key in %j is an error naming it', (value, expected) => {
    expect(() => parseConfig(value, '/etc/c.json')).toThrow(`invalid config: /etc/c.json: ${expected}`);
  });

  test("each check's own keys pass", () => {
    const config = parseConfig({ healthcheck: { checks: { swap: { anySize: true }, 'failed-units': { ignore: ['a.service'] }, ollama: { timeoutMs: 500 } } } }, 'c');
    expect(config.healthcheck.checks.swap).toEqual({ anySize: true });
  });

  test('every problem is a whole line: file, field and why', () => {
    const err = (() => {
      try {
        parseConfig({ polcy: {}, logging: { level: 'loud' } }, '/etc/c.json');
      } catch (e) {
        return e as Error;
      }
      throw new Error('parseConfig accepted a bad config');
    })();
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^invalid config: \/etc\/c\.json: [\w.-]+: \S/);
  });

  test('nearestKey: no guess when nothing is close', () => {
    expect(nearestKey('zzzzzz', ['disk', 'memory'])).toBeUndefined();
    expect(nearestKey('Disk', ['disk'])).toBe('disk');
    expect(nearestKey('time_sync', ['time-sync'])).toBe('time-sync');
  });

  test('invalid JSON names the file', async () => {
    const dir = await tmp();
    const file = join(dir, 'config.json');
    await writeFile(file, '{"policy": ');
    await expect(loadConfig(file)).rejects.toThrow(new RegExp(`${file}.*not valid JSON`));
  });

  test('values override defaults', () => {
    const config = parseConfig({ policy: { mode: 'read-only' }, healthcheck: { checks: { disk: { warn: 80, crit: 95 } } } }, 'c');
    expect(config.policy.mode).toBe('read-only');
    expect(config.healthcheck.checks.disk).toEqual({ warn: 80, crit: 95 });
  });
});

describe('paths', () => {
  const cwd = '/home/u/proj';
  test('flag beats LDM_STATE_DIR beats STATE_DIRECTORY beats ./state', () => {
    const env = { LDM_STATE_DIR: '/a', STATE_DIRECTORY: '/b' };
    expect(resolvePaths({ stateDirFlag: '/flag', env, cwd }).stateDir).toBe('/flag');
    expect(resolvePaths({ env, cwd }).stateDir).toBe('/a');
    expect(resolvePaths({ env: { STATE_DIRECTORY: '/b:/c' }, cwd }).stateDir).toBe('/b');
    expect(resolvePaths({ env: {}, cwd }).stateDir).toBe('/home/u/proj/state');
  });

  test('log dir: LDM_LOG_DIR, then LOGS_DIRECTORY, then beside the state', () => {
    expect(resolvePaths({ env: { LDM_LOG_DIR: '/l', LOGS_DIRECTORY: '/m' }, cwd }).logDir).toBe('/l');
    expect(resolvePaths({ env: { LOGS_DIRECTORY: '/m' }, cwd }).logDir).toBe('/m');
    expect(resolvePaths({ env: { STATE_DIRECTORY: '/var/lib/x' }, cwd }).logDir).toBe('/var/lib/x/logs');
  });

  test('config: flag, then LDM_CONFIG, then /etc', () => {
    expect(resolvePaths({ configFlag: 'c.json', env: { LDM_CONFIG: '/x' }, cwd }).configFile).toBe('/home/u/proj/c.json');
    expect(resolvePaths({ env: { LDM_CONFIG: '/x' }, cwd }).configFile).toBe('/x');
    expect(resolvePaths({ env: {}, cwd }).configFile).toBe('/etc/linux-devops-mcp/config.json');
  });
});

describe('the HTTP probe follows http.listen', () => {
  test.each([
    [{}, 'http://127.0.0.1:8765/mcp'],
    [{ http: { listen: '127.0.0.1:9100' } }, 'http://127.0.0.1:9100/mcp'],
    [{ http: { listen: '0.0.0.0:9100' } }, 'http://127.0.0.1:9100/mcp'],
    [{ http: { listen: '[::]:9100' } }, 'http://[::1]:9100/mcp'],
    [{ http: { listen: '127.0.0.1:9100' }, healthcheck: { http: { url: 'http://10.0.0.2:1/mcp' } } }, 'http://10.0.0.2:1/mcp'],
  ])('%j -> %s', (value, url) => {
    expect(httpProbeUrl(parseConfig(value, 'c'))).toBe(url);
  });
});
