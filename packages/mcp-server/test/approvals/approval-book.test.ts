import { describe, expect, test } from '@jest/globals';
import { ApprovalSchema, MAX_APPROVALS, MAX_PENDING_PER_SESSION, StateDocSchema, type Approval } from '@ldm/core';
import { answerApproval, openApprovals, redeemApproval, requestApproval, type ApprovalRequest } from '../../src/approvals/approval-book';
import { actionHash, canonicalJson } from '../../src/approvals/approval-action';

const T0 = new Date('2026-12-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const TTL = 600_000;
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function req(session: string, argv: string[], cwd = '/'): ApprovalRequest {
  return {
    tool: 'run_command', action: argv.join(' '), actionCut: false, details: { cwd }, hash: actionHash('run_command', { argv, cwd }),
    rule: 'r', reason: 'why', session: { key: session, label: 'test' },
  };
}

let n = 0;
const ids = () => `id${(n++).toString().padStart(4, '0')}`;

function approved(list: Approval[], r: ApprovalRequest): { list: Approval[]; id: string } {
  const made = requestApproval(list, r, T0, TTL, ids);
  expect(answerApproval(made.list, made.approval.id, 'approved', 'uid 0', at(1)).ok).toBe(true);
  return { list: made.list, id: made.approval.id };
}

describe('the canonical action', () => {
  test('key order does not matter; one byte of argv, cwd or tool does', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: null }] })).toBe('{"a":[1,{"c":null,"d":2}],"b":1}');
    const h = actionHash('run_command', { argv: ['touch', '/tmp/a'], cwd: '/' });
    expect(actionHash('run_command', { cwd: '/', argv: ['touch', '/tmp/a'] })).toBe(h);
    expect(actionHash('run_command', { argv: ['touch', '/tmp/b'], cwd: '/' })).not.toBe(h);
    expect(actionHash('run_command', { argv: ['touch', '/tmp/a'], cwd: '/tmp' })).not.toBe(h);
    expect(actionHash('run_command', { argv: ['touch /tmp/a'], cwd: '/' })).not.toBe(h);
    expect(actionHash('service_action', { argv: ['touch', '/tmp/a'], cwd: '/' })).not.toBe(h);
  });
});

describe('the approvals list', () => {
  test('asking twice for the same action in the same session gives the same approval; another session gets its own', () => {
    const first = requestApproval([], req(A, ['touch', 'x']), T0, TTL, ids);
    const again = requestApproval(first.list, req(A, ['touch', 'x']), at(5), TTL, ids);
    expect(again.created).toBe(false);
    expect(again.approval.id).toBe(first.approval.id);
    const other = requestApproval(again.list, req(B, ['touch', 'x']), at(5), TTL, ids);
    expect(other.created).toBe(true);
    expect(other.approval.id).not.toBe(first.approval.id);
    for (const a of other.list) ApprovalSchema.parse(a);
  });

  test('an approved action is redeemed once, by its own session, for exactly its action, before it expires', () => {
    const { list, id } = approved([], req(A, ['touch', 'x']));
    expect(redeemApproval(list, id, B, req(A, ['touch', 'x']).hash, at(2))).toEqual({ ok: false, why: 'unknown' });
    expect(redeemApproval(list, id, A, req(A, ['touch', 'y']).hash, at(2))).toMatchObject({ ok: false, why: 'other-action' });
    expect(redeemApproval(list, id, A, req(A, ['touch', 'x'], '/tmp').hash, at(2))).toMatchObject({ ok: false, why: 'other-action' });
    expect(redeemApproval(list, id, A, req(A, ['touch', 'x']).hash, at(601))).toMatchObject({ ok: false, why: 'expired' });
    expect(redeemApproval(list, id, A, req(A, ['touch', 'x']).hash, at(2))).toMatchObject({ ok: true });
    expect(redeemApproval(list, id, A, req(A, ['touch', 'x']).hash, at(3))).toMatchObject({ ok: false, why: 'used' });
  });

  test('pending and rejected approvals let nothing through; only a pending, unexpired one can be answered, once', () => {
    const made = requestApproval([], req(A, ['touch', 'x']), T0, TTL, ids);
    const id = made.approval.id;
    expect(redeemApproval(made.list, id, A, made.approval.hash, at(1))).toMatchObject({ ok: false, why: 'pending' });
    expect(answerApproval(made.list, id, 'rejected', 'uid 0', at(1)).ok).toBe(true);
    expect(answerApproval(made.list, id, 'approved', 'uid 0', at(2))).toMatchObject({ ok: false, why: 'answered' });
    expect(redeemApproval(made.list, id, A, made.approval.hash, at(3))).toMatchObject({ ok: false, why: 'rejected' });
    const late = requestApproval([], req(A, ['touch', 'y']), T0, TTL, ids);
    expect(answerApproval(late.list, late.approval.id, 'approved', 'uid 0', at(600))).toMatchObject({ ok: false, why: 'expired' });
    expect(answerApproval(late.list, 'nosuch', 'approved', 'uid 0', at(1))).toEqual({ ok: false, why: 'unknown' });
  });

  test('the list is bounded: one session keeps a few pending, all sessions together at most MAX_APPROVALS', () => {
    let list: Approval[] = [];
    for (let i = 0; i < 50; i++) list = requestApproval(list, req(A, ['touch', `f${i}`]), at(i), TTL, ids).list;
    expect(openApprovals(list, at(50)).filter((a) => a.session.key === A)).toHaveLength(MAX_PENDING_PER_SESSION);
    for (let i = 0; i < 200; i++) list = requestApproval(list, req(`${i}`.padStart(64, 'c'), ['touch', 'x']), at(60 + i), TTL, ids).list;
    expect(list.length).toBeLessThanOrEqual(MAX_APPROVALS);
    // Long expired ones are dropped at the next request.
    list = requestApproval(list, req(A, ['true']), at(60 * 60 * 3), TTL, ids).list;
    expect(list).toHaveLength(1);
    StateDocSchema.parse({ version: 1, approvals: list });
  });

  test('an approvals field that does not parse counts as none, and state.json stays valid', () => {
    const doc = StateDocSchema.parse({ version: 1, sessions: [], approvals: [{ id: 'x', status: 'approved' }] });
    expect(doc.approvals).toBeUndefined();
    expect(doc.version).toBe(1);
  });
});
