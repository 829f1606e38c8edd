import * as z from 'zod';
import { ApprovalsFieldSchema, type Approval, type DocumentStore } from '@ldm/core';
import {
  answerApproval,
  openApprovals,
  randomApprovalId,
  redeemApproval,
  requestApproval,
  type AnswerOutcome,
  type ApprovalRequest,
  type RedeemOutcome,
} from './approval-book';

const ApprovalsPart = z.looseObject({ approvals: ApprovalsFieldSchema });

/** The approvals in state.json: every change is one locked read-modify-write (approval-book.ts decides). */
export class ApprovalStore {
  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date,
    private readonly newId: () => string = randomApprovalId,
  ) {}

  async request(req: ApprovalRequest, ttlSec: number): Promise<{ approval: Approval; created: boolean }> {
    return this.store.update('state', (doc) => {
      const r = requestApproval(doc.approvals ?? [], req, this.now(), ttlSec * 1000, this.newId);
      doc.approvals = r.list;
      return { approval: structuredClone(r.approval), created: r.created };
    });
  }

  async answer(id: string, verdict: 'approved' | 'rejected', by: string): Promise<AnswerOutcome> {
    return this.store.update('state', (doc) => structuredClone(answerApproval(doc.approvals ?? [], id, verdict, by, this.now())));
  }

  async redeem(id: string, sessionKey: string, hash: string): Promise<RedeemOutcome> {
    return this.store.update('state', (doc) => structuredClone(redeemApproval(doc.approvals ?? [], id, sessionKey, hash, this.now())));
  }

  /** Pending and approved-but-unused approvals, oldest first. */
  async open(): Promise<Approval[]> {
    const { approvals } = await this.store.readPart('state', ApprovalsPart);
    return openApprovals(approvals ?? [], this.now());
  }

  /** One approval by id, in any state; null when there is none. */
  async find(id: string): Promise<Approval | null> {
    const { approvals } = await this.store.readPart('state', ApprovalsPart);
    return (approvals ?? []).find((a) => a.id === id) ?? null;
  }
}
