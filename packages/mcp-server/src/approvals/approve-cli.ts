import { EXIT, UsageError, visibleText } from '@ldm/core';
import type { ApprovalStore } from './approval-store';
import { describeApproval } from './approval-listing';
import type { AuditEntry } from '../audit/audit-log';

export type ApprovalVerb = 'approve' | 'reject';

export interface ApproveCliDeps {
  approvals: Pick<ApprovalStore, 'open' | 'find' | 'answer'>;
  audit: (entry: AuditEntry) => Promise<void>;
  now: () => Date;
  out: (text: string) => void;
  /** Asks the human on the terminal; null when stdin is not a terminal. */
  ask: ((question: string) => Promise<string>) | null;
  /** Who is answering: uid, sudo user, tty. */
  who: string;
}

/**
 * `ldm-mcp-server approve` lists the open approvals; `approve ID` / `reject ID` answer one after
 * showing it and asking on the terminal (`--yes` skips the question, for scripts). Returns the
 * exit code.
 */
export async function runApprovalCommand(verb: ApprovalVerb, operands: string[], yes: boolean, deps: ApproveCliDeps): Promise<number> {
  if (operands.length > 1) throw new UsageError(`ldm-mcp-server ${verb}: give one approval id, got ${operands.length}: ${visibleText(operands.join(' '), 200)}`);
  const id = operands[0];
  if (id === undefined) {
    if (verb === 'reject') throw new UsageError('ldm-mcp-server reject: give the id of the approval to reject (ldm-mcp-server approve lists them)');
    const open = await deps.approvals.open();
    if (open.length === 0) deps.out('No approvals are waiting.\n');
    for (const a of open) deps.out(`${describeApproval(a, deps.now())}\n\n`);
    return EXIT.OK;
  }
  const found = await deps.approvals.find(id);
  if (!found || found.status !== 'pending' || Date.parse(found.expiresAt) <= deps.now().getTime()) {
    const why = !found ? 'there is no such approval' : found.status !== 'pending' ? `it is already ${found.status}` : 'it has expired';
    deps.out(`Approval ${visibleText(id, 40)} cannot be answered: ${why}.\n`);
    return EXIT.SOFTWARE;
  }
  deps.out(`${describeApproval(found, deps.now())}\n\n`);
  if (!yes) {
    if (!deps.ask) throw new UsageError(`ldm-mcp-server ${verb}: stdin is not a terminal, so nobody can be asked; add --yes to ${verb} ${id} from a script`);
    const answer = (await deps.ask(`${verb === 'approve' ? 'Approve' : 'Reject'} exactly this action? Type yes to ${verb}: `)).trim().toLowerCase();
    if (answer !== 'yes' && answer !== 'y') {
      deps.out('Nothing changed.\n');
      return EXIT.OK;
    }
  }
  const verdict = verb === 'approve' ? 'approved' : 'rejected';
  const outcome = await deps.approvals.answer(id, verdict, `host-cli ${deps.who}`);
  if (!outcome.ok) {
    deps.out(`Approval ${id} cannot be answered: ${outcome.why === 'expired' ? 'it has expired' : outcome.why === 'answered' ? 'it was answered meanwhile' : 'it is gone'}.\n`);
    return EXIT.SOFTWARE;
  }
  await deps.audit({
    time: deps.now().toISOString(),
    tool: `approval:${verb}`,
    args: { id, tool: found.tool, action: found.action, hash: found.hash, session: found.session.label },
    decision: verdict,
    approval: { id, via: 'host-cli', by: deps.who },
    isError: false,
    durationMs: 0,
  });
  deps.out(
    verb === 'approve'
      ? `Approved ${id}: that session may now run exactly this action once, until ${found.expiresAt}.\n`
      : `Rejected ${id}: it will not run.\n`,
  );
  return EXIT.OK;
}

/** Pure: who answers, from the process's uid, sudo's variables and the terminal. */
export function whoAnswers(uid: number, env: NodeJS.ProcessEnv, tty: string | null): string {
  const sudo = env.SUDO_USER ? ` (sudo from ${env.SUDO_USER}${env.SUDO_UID ? ` uid ${env.SUDO_UID}` : ''})` : '';
  return `uid ${uid}${sudo}${tty ? ` on ${tty}` : ''}`.slice(0, 250);
}
