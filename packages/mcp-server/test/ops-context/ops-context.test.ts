import { describe, test, expect } from '@jest/globals';
import { buildOpsContext, opsContextText, stripJournalPrefix } from '../../src/ops-context/ops-context';
import { statelessFingerprint, type Pattern } from '@ldm/core';

const { template, fingerprint } = statelessFingerprint('nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)');
const pattern: Pattern = {
  id: 'pat-bind', fingerprint, template, subjects: ['nginx.service'], sources: ['mcp'], count: 5,
  firstSeen: '2026-11-01T00:00:00Z', lastSeen: '2026-11-20T00:00:00Z', sinceBootSec: [], checks: [],
  resolutions: [{ action: 'systemctl stop apache2 && systemctl restart nginx', commands: [], successes: 3, failures: 1, recent: [] }],
};

describe('buildOpsContext', () => {
  test('a journal line matching a known pattern brings its fix and how often it worked', () => {
    const ctx = buildOpsContext({
      lines: ['2026-11-24T04:00:00+0000 web1 nginx[812]: nginx: [emerg] bind() to 10.0.0.5:80 failed (98: Address already in use)', 'all good'],
      subject: 'nginx.service',
      alerts: [],
      patterns: [pattern],
      minConfidence: 0.8,
    });
    expect(ctx!.known_fixes).toEqual([expect.objectContaining({ pattern_id: 'pat-bind', fix: 'systemctl stop apache2 && systemctl restart nginx', worked: 3, failed: 1 })]);
    expect(opsContextText(ctx!)).toContain('worked 3 of 4 times');
  });

  test('active alerts are relevant on their own; nothing relevant gives null', () => {
    const alert = { id: 'mem', source: 'healthcheck', severity: 'warn' as const, message: 'memory 92%', since: '2026-11-24T04:00:00Z' };
    expect(buildOpsContext({ lines: ['ok'], alerts: [alert], patterns: [pattern], minConfidence: 0.8 })!.alerts).toHaveLength(1);
    expect(buildOpsContext({ lines: ['everything is fine', 'error: something unrelated entirely'], alerts: [], patterns: [pattern], minConfidence: 0.8 })).toBeNull();
  });

  test('patterns without a working fix are not suggested', () => {
    const noFix = { ...pattern, resolutions: [{ ...pattern.resolutions[0]!, successes: 0, failures: 3 }] };
    expect(buildOpsContext({ lines: ['nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)'], alerts: [], patterns: [noFix], minConfidence: 0.8 })).toBeNull();
  });
});

test('stripJournalPrefix leaves the message', () => {
  expect(stripJournalPrefix('2026-11-24T04:00:00+0000 web1 sshd[77]: Failed password for root')).toBe('Failed password for root');
  expect(stripJournalPrefix('plain text')).toBe('plain text');
});
