import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const UNITS = new URL('../../../units/', import.meta.url).pathname;
const OWN = /^(ExecStart|SyslogIdentifier|TimeoutStartSec)=/;

/** The [Service] directives, comments left out. */
const serviceOf = (file: string) =>
  readFileSync(join(UNITS, file), 'utf8')
    .split('\n')
    .slice(readFileSync(join(UNITS, file), 'utf8').split('\n').indexOf('[Service]'))
    .filter((l) => l && !l.startsWith('#'));

describe('the per-check unit template', () => {
  test('runs one check with the same sandbox as ldm-healthcheck.service', () => {
    const main = serviceOf('ldm-healthcheck.service');
    const perCheck = serviceOf('ldm-healthcheck-check@.service');
    expect(perCheck.filter((l) => !OWN.test(l))).toEqual(main.filter((l) => !OWN.test(l)));
    expect(perCheck).toContain('ExecStart=/opt/linux-devops-mcp/bin/ldm-healthcheck --once --only %i');
  });
});
