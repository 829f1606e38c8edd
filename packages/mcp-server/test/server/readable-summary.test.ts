import { describe, expect, test } from '@jest/globals';
import { readableSummary } from '../../src/server/readable-summary';

describe('readableSummary', () => {
  test('a command result reads as lines, output as an indented block, empty fields left out', () => {
    const text = readableSummary(
      { exit_code: 0, signal: null, stdout: 'a\nb\n', stderr: '', timed_out: false, decision: { action: 'allow', rule: 'default' }, ops_context: { alerts: [] } },
      ['ops_context'],
    );
    expect(text).toBe('exit_code: 0\nstdout:\n  a\n  b\ndecision:\n  action: allow\n  rule: default');
  });

  test('lists of short records take one line each; long or nested ones their fields below a dash', () => {
    expect(readableSummary({ units: [{ unit: 'a.service', active: 'failed' }], names: ['x', 'y'] })).toBe('units:\n  - unit: a.service, active: failed\nnames: x, y');
    expect(readableSummary({ items: [{ id: 'i1', fixes: [{ text: 'restart', ok: 2 }] }] })).toBe('items:\n  - id: i1\n    fixes:\n      - text: restart, ok: 2');
  });

  test('is no copy of the JSON: no quotes or escapes around text', () => {
    const text = readableSummary({ line: 'say "hi"\tnow' });
    expect(text).toBe('line: say "hi"\tnow');
    expect(() => JSON.parse(text)).toThrow();
  });
});
