// Pure texts of the confirm flow. Every piece of the action a human reads goes through
// visibleText: control, escape and bidi characters are shown, never rendered. Nothing here gives
// the model anything it could send to approve an action itself: an approval id only refers to an
// approval that a human gives on the host.
import { visibleText, hasHiddenCharacters, type Approval } from '@ldm/core';
import type { ActionSubject } from '../approvals/approval-action';

export interface PendingAction {
  /** e.g. "run_command", "service_action", "write_file". */
  tool: string;
  /** The exact action, as the human should read it: a command line or "write /etc/x". */
  action: string;
  rule: string;
  reason: string;
  /**
   * Every argument that changes what happens (argv or command, cwd, path, content hash, mode...):
   * an approval binds exactly these. Without it, the approval binds `action`.
   */
  subject?: ActionSubject;
  /** The first part of what is written or piped in, for the human to read. */
  preview?: string;
}

/** Subject fields that `action` already shows. */
const SHOWN_IN_ACTION = new Set(['command', 'argv', 'path', 'op', 'action']);

const ACTION_MAX = 4000;
const DETAIL_MAX = 600;
const PREVIEW_MAX = 1200;

/** Pure: the subject fields the action line does not show, as label and value. */
export function actionDetails(subject: ActionSubject | undefined): Record<string, string> {
  const details: Record<string, string> = {};
  for (const [k, v] of Object.entries(subject ?? {})) {
    if (SHOWN_IN_ACTION.has(k) || v === null) continue;
    details[k] = Array.isArray(v) ? JSON.stringify(v) : String(v);
  }
  return details;
}

/** Pure: the action, its details and preview as lines a human reads, every one made visible. */
export function describeAction(p: { action: string; details: Record<string, string>; preview?: string; actionCut?: boolean }): string[] {
  const lines = [`    ${visibleText(p.action, ACTION_MAX)}${p.actionCut ? ' … (cut for storage; the approval binds the whole action)' : ''}`];
  for (const [k, v] of Object.entries(p.details)) lines.push(`    ${visibleText(k, 64)}: ${visibleText(v, DETAIL_MAX)}`);
  if (p.preview !== undefined) lines.push(`    begins with: ${visibleText(p.preview, PREVIEW_MAX)}`);
  const all = [p.action, ...Object.values(p.details), p.preview ?? ''];
  if (all.some(hasHiddenCharacters)) lines.push('    (it holds control, escape or invisible characters, shown above as \\n, \\xNN or \\u{...}; a real backslash shows as \\\\)');
  return lines;
}

/**
 * Pure: what a human could change in the config so this action runs without asking, by the
 * rule that asked (the order of rules is in docs/policy.md: a config `allow` lifts only the
 * default confirmations; built-in ones yield only to unrestricted mode).
 */
export function howToAllow(rule: string, action: string, configFile: string): string {
  const config = /^config:(policy\.[\w.]+\[\d+\])$/.exec(rule);
  if (config) return `remove or narrow ${config[1]} in ${configFile}`;
  if (rule.startsWith('default:confirm:')) return `add a policy.allow rule matching "${visibleText(action, 300)}" in ${configFile}`;
  if (rule.startsWith('builtin:confirm:')) {
    return `this is a built-in confirmation (${rule}); only policy.mode "unrestricted" in ${configFile} lifts it, and not for every target`;
  }
  return `see the rule ${rule} in docs/policy.md and ${configFile}`;
}

export function confirmMessage(p: PendingAction): string {
  return [
    `The AI assistant asks to ${p.tool === 'write_file' ? 'write a file' : 'run an action'} (${p.tool}) that needs your approval:`,
    '',
    ...describeAction({ action: p.action, details: actionDetails(p.subject), ...(p.preview !== undefined ? { preview: p.preview } : {}) }),
    '',
    `Policy rule ${p.rule}: ${visibleText(p.reason, 600)}`,
    'Approve only if you want exactly this to happen now.',
  ].join('\n');
}

/** Why the human in the session could not answer, so the approval is asked for on the host. */
export type WhyOutOfBand = 'unsupported' | 'timeout' | 'cancel' | 'failed';

const WHY_OUT_OF_BAND: Record<WhyOutOfBand, string> = {
  unsupported: 'this MCP client cannot ask the human (it does not support elicitation)',
  timeout: 'nobody answered the approval prompt in time',
  cancel: 'the approval prompt was dismissed without an answer',
  failed: 'the approval prompt could not be shown',
};

/** The refusal that tells the model how the human approves on the host and how to call again. */
export function pendingApprovalRefusal(p: PendingAction, a: Approval, approveCommand: string, why: WhyOutOfBand, configFile: string, now: Date): string {
  const minutes = Math.max(1, Math.round((Date.parse(a.expiresAt) - now.getTime()) / 60_000));
  return (
    `Not done yet: ${p.tool} "${visibleText(p.action, 300)}" needs the owner's approval (policy rule ${p.rule}: ${visibleText(p.reason, 300)}), ` +
    `and ${WHY_OUT_OF_BAND[why]}. Approval ${a.id} is waiting. Ask the owner to run this on the host:\n\n` +
    `    sudo ${approveCommand} ${a.id}\n\n` +
    `then call ${p.tool} again with exactly the same arguments plus approval_id "${a.id}". ` +
    `It covers only this exact action, once, from this session, and expires in about ${minutes} min (${a.expiresAt}). ` +
    `Alternatively the owner can run it themselves, or, to let it run without asking, ${howToAllow(p.rule, p.action, configFile)}.`
  );
}

const REDEEM_REFUSALS: Record<string, (id: string, approveCommand: string) => string> = {
  unknown: (id) => `there is no approval ${id} for this session (approvals belong to the session that asked for them)`,
  pending: (id, cmd) => `approval ${id} is still waiting for the owner: ask them to run \`sudo ${cmd} ${id}\` on the host, then call again`,
  rejected: (id) => `the owner rejected approval ${id}; do not retry it unchanged, ask the owner what they want`,
  used: (id) => `approval ${id} was already used; each approval covers one call`,
  expired: (id) => `approval ${id} has expired`,
  'other-action': (id) => `approval ${id} covers a different action (the tool and every argument must be exactly those approved)`,
};

export function redeemRefusal(p: PendingAction, id: string, why: string, approveCommand: string): string {
  const text = (REDEEM_REFUSALS[why] ?? REDEEM_REFUSALS.unknown!)(visibleText(id, 40), approveCommand);
  return `Not done: ${p.tool} "${visibleText(p.action, 300)}" needs the owner's approval and ${text}. Nothing was done. To ask for a new approval, call without approval_id.`;
}

export function declinedRefusal(p: PendingAction, how: 'decline' | 'not-approved'): string {
  const why = { decline: 'the human declined it', 'not-approved': 'the human did not tick the approval box' }[how];
  return `Not done: ${p.tool} "${visibleText(p.action, 300)}" needs approval (policy rule ${p.rule}) and ${why}. Do not retry it unchanged; ask the human what they want.`;
}
