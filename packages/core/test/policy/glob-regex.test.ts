import { describe, expect, test } from '@jest/globals';
import { decideCommand, PolicyConfigSchema } from '@ldm/core';
import { globRegex } from '../../src/policy/command-builtin-rules';
import { CTX } from './corpus';

describe('globRegex: unit-name patterns as systemctl matches them', () => {
  test.each([
    ['ldm-*', 'ldm-healthcheck.timer', true],
    ['ldm-health?heck.timer', 'ldm-healthcheck.timer', true],
    ['ldm-[hi]ealthcheck.timer', 'ldm-healthcheck.timer', true],
    ['ldm-[!h]ealthcheck.timer', 'ldm-healthcheck.timer', false],
    ['nginx[x', 'nginx[x', true],
    ['nginx[x', 'nginxx', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%j matches %j: %s', (glob, name, expected) => {
    expect(globRegex(glob).test(name)).toBe(expected);
  });

  test('an unterminated [ in a unit name is decided, not a policy error', () => {
    const d = decideCommand({ command: "systemctl stop 'nginx[x'" }, PolicyConfigSchema.parse({}), CTX);
    expect(d.rule).not.toBe('policy-error');
    expect(d.action).toBe('confirm');
    const suite = decideCommand({ command: "systemctl stop 'ldm-health[c]heck.timer'" }, PolicyConfigSchema.parse({}), CTX);
    expect(suite.action).toBe('deny');
  });
});
