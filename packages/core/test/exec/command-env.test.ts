import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashArgv, commandEnvironment } from '@ldm/core';

describe('the environment of the model\'s commands', () => {
  test('variables that make bash run unseen code are dropped, the rest kept', () => {
    const env = commandEnvironment({
      PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', BASH_ENV: '/tmp/x', ENV: '/tmp/y', SHELLOPTS: 'xtrace',
      PS4: '$(touch /tmp/z)', PROMPT_COMMAND: 'id', 'BASH_FUNC_ls%%': '() { rm -rf /; }', BASHOPTS: 'extdebug', ENVIRONMENT: 'prod',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', ENVIRONMENT: 'prod' });
  });

  test('bash started this way with that environment runs neither BASH_ENV nor an exported function', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-env-'));
    const marker = join(dir, 'sourced');
    await writeFile(join(dir, 'rc'), `printf sourced > ${marker}\n`);
    const [bin, ...args] = bashArgv('/bin/bash', 'echo plain');
    const run = (env: NodeJS.ProcessEnv) => spawnSync(bin!, args, { env, encoding: 'utf8' }).stdout;
    const withRc = { PATH: process.env.PATH, HOME: dir, BASH_ENV: join(dir, 'rc') };
    const withFunction = { PATH: process.env.PATH, HOME: dir, 'BASH_FUNC_echo%%': '() { builtin echo hijacked; }' };
    // Unsanitised, each hostile environment takes over: proof that the test can fail.
    expect(run(withFunction)).toBe('hijacked\n');
    expect(run(withRc)).toBe('plain\n');
    expect(await readFile(marker, 'utf8')).toBe('sourced');
    await rm(marker);
    expect(run(commandEnvironment(withFunction))).toBe('plain\n');
    expect(run(commandEnvironment(withRc))).toBe('plain\n');
    await expect(readFile(marker, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
