import { describe, expect, test } from '@jest/globals';
import { UsageError, parseProgramArgs, type Approval } from '@ldm/core';
import { runApprovalCommand, whoAnswers, type ApproveCliDeps } from '../../src/approvals/approve-cli';
import { answerApproval, requestApproval } from '../../src/approvals/approval-book';
import type { AuditEntry } from '../../src/audit/audit-log';

const NOW = new Date('2026-12-01T10:00:00Z');

function setup(action: string, answers: string[] | null) {
  let list: Approval[] = [];
  const made = requestApproval(
    list,
    { tool: 'run_command', action, actionCut: false, details: { cwd: '/' }, hash: 'f'.repeat(64), rule: 'r', reason: 'why', session: { key: 'a'.repeat(64), label: 'claude-ai 1.0, HTTP session 1234abcd…' } },
    NOW,
    600_000,
    () => 'k7m2p9qa',
  );
  list = made.list;
  const out: string[] = [];
  const audit: AuditEntry[] = [];
  const asked: string[] = [];
  const deps: ApproveCliDeps = {
    approvals: {
      open: async () => list.filter((a) => a.status === 'pending'),
      find: async (id) => list.find((a) => a.id === id) ?? null,
      answer: async (id, verdict, by) => answerApproval(list, id, verdict, by, NOW),
    },
    audit: async (e) => void audit.push(e),
    now: () => NOW,
    out: (t) => void out.push(t),
    ask: answers === null ? null : async (q) => (asked.push(q), answers.shift() ?? ''),
    who: whoAnswers(0, { SUDO_USER: 'alice', SUDO_UID: '1000' }, '/dev/pts/1'),
  };
  return { deps, list: () => list, out, audit, asked };
}

describe('ldm-mcp-server approve|reject', () => {
  test('the listing and the question show the action with escapes visible', async () => {
    const s = setup(`true\x1b[1A\x1b[2K\r\u202erm -rf /${'\n'.repeat(60)}`, ['no']);
    expect(await runApprovalCommand('approve', [], false, s.deps)).toBe(0);
    expect(await runApprovalCommand('approve', ['k7m2p9qa'], false, s.deps)).toBe(0);
    const text = s.out.join('');
    expect(text).toContain('k7m2p9qa');
    expect(text).toContain(`true\\x1b[1A\\x1b[2K\\r\\u{202e}rm -rf /${'\\n'.repeat(60)}`);
    expect(text).not.toMatch(/[\x1b\r\u202e]/u);
    expect(text).toContain('claude-ai 1.0, HTTP session 1234abcd');
  });

  test('on a terminal only "yes" approves; anything else changes nothing', async () => {
    const s = setup('touch /etc/x', ['no', 'yes']);
    await runApprovalCommand('approve', ['k7m2p9qa'], false, s.deps);
    expect(s.list()[0]!.status).toBe('pending');
    expect(s.audit).toEqual([]);
    await runApprovalCommand('approve', ['k7m2p9qa'], false, s.deps);
    expect(s.asked).toHaveLength(2);
    expect(s.list()[0]).toMatchObject({ status: 'approved', decidedBy: 'host-cli uid 0 (sudo from alice uid 1000) on /dev/pts/1' });
    expect(s.audit).toEqual([expect.objectContaining({ tool: 'approval:approve', decision: 'approved', approval: { id: 'k7m2p9qa', via: 'host-cli', by: 'uid 0 (sudo from alice uid 1000) on /dev/pts/1' } })]);
  });

  test('without a terminal only --yes answers; reject needs an id; one id at a time', async () => {
    const s = setup('touch /etc/x', null);
    await expect(runApprovalCommand('approve', ['k7m2p9qa'], false, s.deps)).rejects.toBeInstanceOf(UsageError);
    expect(s.list()[0]!.status).toBe('pending');
    await expect(runApprovalCommand('reject', [], true, s.deps)).rejects.toBeInstanceOf(UsageError);
    await expect(runApprovalCommand('approve', ['k7m2p9qa', 'other'], true, s.deps)).rejects.toBeInstanceOf(UsageError);
    expect(await runApprovalCommand('reject', ['k7m2p9qa'], true, s.deps)).toBe(0);
    expect(s.list()[0]!.status).toBe('rejected');
    expect(await runApprovalCommand('approve', ['k7m2p9qa'], true, s.deps)).not.toBe(0);
    expect(s.list()[0]!.status).toBe('rejected');
  });

  test('operands are taken only by a program that names them', () => {
    expect(parseProgramArgs({ name: 'x approve', summary: '', operands: '[ID]' }, ['abc', '--state-dir', '/s']).positionals).toEqual(['abc']);
    expect(() => parseProgramArgs({ name: 'x', summary: '' }, ['abc'])).toThrow(UsageError);
  });
});
