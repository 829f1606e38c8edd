import { describe, test, expect } from '@jest/globals';
import { parseCommandRule, PolicyConfigSchema, ConfigSchema } from '@ldm/core';
import { ruleMatches } from '../../src/policy/command-rule';

const m = (rule: string, argv: (string | null)[], unknownMatches = false) => ruleMatches(parseCommandRule(rule), argv[0]!, argv.slice(1), unknownMatches);

describe('command rule syntax', () => {
  test('program then argument globs, prefix match', () => {
    expect(m('systemctl restart', ['systemctl', 'restart', 'nginx'])).toBe(true);
    expect(m('systemctl restart', ['systemctl', 'stop', 'nginx'])).toBe(false);
    expect(m('systemctl restart *', ['systemctl', 'restart'])).toBe(false);
    expect(m('systemctl restart nginx*', ['systemctl', 'restart', 'nginx.service'])).toBe(true);
  });
  test('$ anchors the end, ** matches any run of arguments', () => {
    expect(m('docker ps $', ['docker', 'ps'])).toBe(true);
    expect(m('docker ps $', ['docker', 'ps', '-a'])).toBe(false);
    expect(m('rm ** -rf **', ['rm', 'x', '-rf', 'y'])).toBe(true);
    expect(m('rm ** -rf **', ['rm', 'x', 'y'])).toBe(false);
    expect(m('apt-get **', ['apt-get'])).toBe(true);
  });
  test('quoted tokens keep spaces; program globs', () => {
    expect(m("echo 'a b'", ['echo', 'a b'])).toBe(true);
    expect(m('python3*', ['python3.11', 'x'])).toBe(true);
  });
  test('unknown arguments: match deny/confirm rules, only bare * for allow', () => {
    expect(m('systemctl restart nginx', ['systemctl', 'restart', null], true)).toBe(true);
    expect(m('systemctl restart nginx', ['systemctl', 'restart', null], false)).toBe(false);
    expect(m('systemctl restart *', ['systemctl', 'restart', null], false)).toBe(true);
  });
  test('malformed rules are rejected with the rule in the message', () => {
    expect(() => parseCommandRule('')).toThrow(/empty/);
    expect(() => parseCommandRule('/bin/rm -rf')).toThrow(/\/bin\/rm -rf/);
    expect(() => parseCommandRule('** x')).toThrow();
    expect(() => parseCommandRule("echo 'open")).toThrow(/unterminated/);
  });
});

describe('PolicyConfigSchema', () => {
  test('defaults', () => {
    expect(PolicyConfigSchema.parse({})).toEqual({
      mode: 'standard', deny: [], allow: [], confirm: [], relaxBuiltin: [], paths: { allow: ['/'], deny: [], confirmWrite: [] },
      sandbox: { backend: 'auto', writablePaths: [], hiddenPaths: [], memoryMax: '512M', tasksMax: 256, persistent: true },
    });
    expect(ConfigSchema.parse({}).policy.mode).toBe('standard');
  });
  test('rejects bad rules, unknown relaxations, relative path patterns and unknown keys', () => {
    expect(() => PolicyConfigSchema.parse({ deny: ['/bin/rm'] })).toThrow(/\/bin\/rm/);
    expect(() => PolicyConfigSchema.parse({ relaxBuiltin: ['rm-root'] })).toThrow();
    expect(() => PolicyConfigSchema.parse({ paths: { allow: ['srv'] } })).toThrow(/absolute/);
    expect(() => PolicyConfigSchema.parse({ mode: 'yolo' })).toThrow();
    expect(() => PolicyConfigSchema.parse({ allowEverything: true })).toThrow();
  });
});
