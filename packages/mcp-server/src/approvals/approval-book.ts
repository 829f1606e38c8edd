import { randomInt } from 'node:crypto';
import { MAX_APPROVALS, MAX_PENDING_PER_SESSION, type Approval } from '@ldm/core';

// The rules of the approvals list in state.json, as functions on the list; approval-store.ts
// runs them under the state lock. `now` is passed in: nothing here reads a clock.

/** Answered and expired approvals stay this long, so a late redeem learns why it failed. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;

/** Letters and digits without the look-alikes (0/o, 1/l/i): read aloud or typed from a chat. */
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ID_LENGTH = 8;

export function randomApprovalId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** What the gate asks for; the book adds id, times and status. */
export type ApprovalRequest = Pick<Approval, 'tool' | 'action' | 'actionCut' | 'details' | 'preview' | 'hash' | 'rule' | 'reason' | 'session'>;

const expired = (a: Approval, now: Date) => Date.parse(a.expiresAt) <= now.getTime();
const finished = (a: Approval, now: Date) => a.status === 'used' || a.status === 'rejected' || expired(a, now);

/** Drops approvals that expired more than an hour ago, then the oldest until there is room for one more. */
function makeRoom(list: Approval[], sessionKey: string, now: Date): Approval[] {
  let kept = list.filter((a) => Date.parse(a.expiresAt) + KEEP_FINISHED_MS > now.getTime());
  const pendingHere = kept.filter((a) => a.status === 'pending' && !expired(a, now) && a.session.key === sessionKey);
  if (pendingHere.length >= MAX_PENDING_PER_SESSION) {
    const drop = new Set(pendingHere.slice(0, pendingHere.length - MAX_PENDING_PER_SESSION + 1));
    kept = kept.filter((a) => !drop.has(a));
  }
  while (kept.length >= MAX_APPROVALS) {
    const victim = kept.find((a) => finished(a, now)) ?? kept.find((a) => a.status === 'pending') ?? kept[0]!;
    kept = kept.filter((a) => a !== victim);
  }
  return kept;
}

/**
 * The open approval of this session for this exact action (asking twice gives the same id), or a
 * new pending one. Returns the list to store.
 */
export function requestApproval(
  list: Approval[],
  req: ApprovalRequest,
  now: Date,
  ttlMs: number,
  newId: () => string = randomApprovalId,
): { list: Approval[]; approval: Approval; created: boolean } {
  const open = list.find((a) => a.session.key === req.session.key && a.hash === req.hash && (a.status === 'pending' || a.status === 'approved') && !expired(a, now));
  if (open) return { list, approval: open, created: false };
  const kept = makeRoom(list, req.session.key, now);
  let id = newId();
  for (let tries = 0; kept.some((a) => a.id === id) && tries < 100; tries++) id = newId();
  if (kept.some((a) => a.id === id)) throw new Error(`couldn't find a free approval id (last tried ${id})`);
  const approval: Approval = {
    ...req,
    id,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    status: 'pending',
  };
  return { list: [...kept, approval], approval, created: true };
}

export type AnswerOutcome = { ok: true; approval: Approval } | { ok: false; why: 'unknown' | 'expired' | 'answered'; approval?: Approval };

/** The human's answer on the host. Only a pending, unexpired approval can be answered, once. */
export function answerApproval(list: Approval[], id: string, verdict: 'approved' | 'rejected', by: string, now: Date): AnswerOutcome {
  const a = list.find((x) => x.id === id);
  if (!a) return { ok: false, why: 'unknown' };
  if (expired(a, now)) return { ok: false, why: 'expired', approval: a };
  if (a.status !== 'pending') return { ok: false, why: 'answered', approval: a };
  a.status = verdict;
  a.decidedAt = now.toISOString();
  a.decidedBy = by.slice(0, 300);
  return { ok: true, approval: a };
}

export type RedeemFailure = 'unknown' | 'pending' | 'rejected' | 'used' | 'expired' | 'other-action';
export type RedeemOutcome = { ok: true; approval: Approval } | { ok: false; why: RedeemFailure; approval?: Approval };

/**
 * A session presenting an approval id for an action. It counts only for the session that asked,
 * for the same action (hash), approved, unexpired and unused; it is used up here. Another
 * session's id is 'unknown' to this one: it learns nothing about it.
 */
export function redeemApproval(list: Approval[], id: string, sessionKey: string, hash: string, now: Date): RedeemOutcome {
  const a = list.find((x) => x.id === id && x.session.key === sessionKey);
  if (!a) return { ok: false, why: 'unknown' };
  if (a.status === 'used') return { ok: false, why: 'used', approval: a };
  if (a.status === 'rejected') return { ok: false, why: 'rejected', approval: a };
  if (expired(a, now)) return { ok: false, why: 'expired', approval: a };
  if (a.hash !== hash) return { ok: false, why: 'other-action', approval: a };
  if (a.status !== 'approved') return { ok: false, why: 'pending', approval: a };
  a.status = 'used';
  a.usedAt = now.toISOString();
  return { ok: true, approval: a };
}

/** The approvals a human may still answer or a session may still use, oldest first. */
export function openApprovals(list: Approval[], now: Date): Approval[] {
  return list.filter((a) => (a.status === 'pending' || a.status === 'approved') && !expired(a, now));
}
