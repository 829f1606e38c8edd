import { describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, formatJournalLine, redactSecrets } from '@ldm/core';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('logger', () => {
  test('stderr lines carry the sd-daemon priority so journalctl -p filters them', async () => {
    const err = capture();
    const logger = createLogger({ program: 't', level: 'debug', stderr: err.stream });
    logger.error('e1');
    logger.warn('w1');
    logger.notice('n1');
    logger.info('i1', { unit: 'nginx.service' });
    logger.debug('d1');
    await logger.close();
    expect(err.text().split('\n').filter(Boolean)).toEqual(['<3>e1', '<4>w1', '<5>n1', '<6>i1 unit=nginx.service', '<7>d1']);
  });

  test('the level filters lower priorities', async () => {
    const err = capture();
    const logger = createLogger({ program: 't', level: 'warn', stderr: err.stream });
    logger.info('hidden');
    logger.warn('shown');
    await logger.close();
    expect(err.text()).toBe('<4>shown\n');
  });

  test('warn and above go to error.log in the log dir; info does not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-log-'));
    const err = capture();
    const logger = createLogger({ program: 'ldm-test', logDir: dir, stderr: err.stream });
    logger.info('just info');
    logger.warn('disk nearly full');
    logger.error('it broke');
    await logger.close();
    const text = await readFile(join(dir, 'error.log'), 'utf8');
    expect(text).toMatch(/warning ldm-test: disk nearly full/);
    expect(text).toMatch(/error ldm-test: it broke/);
    expect(text).not.toMatch(/just info/);
  });

  test('error.log rotates at its size cap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-log-'));
    const logger = createLogger({ program: 't', logDir: dir, errorLogMaxBytes: 4096, errorLogFiles: 3, stderr: new PassThrough() });
    for (let n = 0; n < 200; n++) logger.warn(`line ${n} ${'x'.repeat(80)}`);
    await logger.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['error.log', 'error.log.1', 'error.log.2', 'error.log.3']);
  });

  test('secrets are redacted before they leave the process', async () => {
    const err = capture();
    const logger = createLogger({ program: 't', stderr: err.stream, redact: redactSecrets });
    logger.warn('login with password=hunter2', { env: 'API_KEY=abc123' });
    await logger.close();
    expect(err.text()).not.toMatch(/hunter2|abc123/);
    expect(err.text()).toContain('REDACTED');
  });

  test('every line of a multi-line message keeps its priority (journald reads the prefix per line)', () => {
    expect(formatJournalLine('error', 'invalid config /etc/x.json:\n  idle.minutes: too small\r\n  http.port: not a number\n')).toBe(
      '<3>invalid config /etc/x.json:\n<3>  idle.minutes: too small\n<3>  http.port: not a number\n',
    );
    expect(formatJournalLine('warning', 'one line', { unit: 'a\nb' })).toBe('<4>one line unit=a\n<4>b\n');
  });

  test('a log dir that cannot be created (under /proc) ends at once with one warning', async () => {
    const err = capture();
    const logger = createLogger({ program: 'ldm-test', logDir: '/proc/nope/logs', stderr: err.stream });
    logger.warn('w');
    await logger.close();
    expect(err.text()).toMatch(/^<4>w\n<4>ldm-test: error\.log disabled, .*\/proc\/nope\/logs.*ENOENT/);
  });
});
