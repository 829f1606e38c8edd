import { join } from 'node:path';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ProgressToken, RequestId, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import { notifySecretFiles, visibleText, type CommandDecision, type PathDecision } from '@ldm/core';
import { policyContextOf, type ServerDeps } from '../server/deps';
import type { AuditFacts } from '../audit/audit-facts';
import { actionHash, sha256Hex, type ActionSubject } from '../approvals/approval-action';
import { ApprovalStore } from '../approvals/approval-store';
import {
  actionDetails,
  confirmMessage,
  declinedRefusal,
  pendingApprovalRefusal,
  redeemRefusal,
  type PendingAction,
  type WhyOutOfBand,
} from './confirm-text';
import { keepAlive } from './progress-keepalive';
import { oauthFileOf } from '../http/auth/oauth-path';

export type GateResult<D> = { allowed: true; decision: D; audit: AuditFacts } | { allowed: false; decision: D | null; message: string; audit: AuditFacts };

/** The session a call belongs to. `key` is a secret of the session's own process memory. */
export interface GateSession {
  key: string;
  /** For the human: transport, client, pid or session id prefix. */
  label: string;
}

/** What the gate knows of the tools/call it guards. */
export interface GateCall {
  session: GateSession;
  /** The tools/call's id: an elicitation goes out on that request's own stream. */
  requestId?: RequestId;
  progressToken?: ProgressToken;
  sendNotification?: (n: ServerNotification) => Promise<void>;
  /** The approval the model presents with the call (argument approval_id). */
  approvalId?: string;
  progressEveryMs?: number;
}

/** More of an action than the policy sees: what else an approval must bind, and what the human should read. */
export interface ActionExtra {
  subject?: ActionSubject;
  preview?: string;
}

const APPROVAL_ID = /^[a-z0-9]{4,16}$/;
const STORED_ACTION_MAX = 20_000;

type HumanAnswer = 'accept' | 'decline' | 'not-approved' | 'aborted' | WhyOutOfBand;

/**
 * Where every action that changes the host passes: the policy decides (its logic lives in
 * @ldm/core), this enforces. 'confirm' needs a human: an approval the human gave on the host for
 * exactly this action and session (approval_id), else the human in the session through MCP
 * elicitation, else a pending approval the human answers on the host (docs/policy.md, Approvals).
 * One gate per tools/call.
 */
export class PolicyGate {
  constructor(
    private readonly deps: ServerDeps,
    private readonly server: Server,
    private readonly call: GateCall,
  ) {}

  /** A command line (run via bash -c) or an argv (run without a shell). */
  async command(tool: string, input: { command: string } | { argv: string[] }, signal?: AbortSignal, cwd?: string, extra?: ActionExtra): Promise<GateResult<CommandDecision>> {
    const { policy } = this.deps;
    let decision: CommandDecision;
    try {
      decision = await policy.decideCommand({ ...input, ...(cwd ? { cwd } : {}) }, this.deps.config.policy, this.context());
    } catch (err) {
      return undecided(err);
    }
    const subject: ActionSubject = { ...commandSubject(input), cwd: cwd ?? null, ...extra?.subject };
    return this.enforce(decision, { tool, action: actionText(input), rule: decision.rule, reason: decision.reason, subject, ...previewOf(extra) }, signal);
  }

  /** The suite's context for every decision, with its secrets: the token file is never read. */
  private context() {
    return policyContextOf({ ...this.deps, secretFiles: [this.deps.config.http.tokenFile, oauthFileOf(this.deps.paths.stateDir, this.deps.config.http.oauth.file), ...notifySecretFiles(this.deps.config)] });
  }

  /**
   * A command that runs inside the sandbox: the kernel contains it, so nothing here asks the human.
   * The parser's deny list still refuses; what it would have asked about (a change to the host)
   * runs and fails there, and `hostChange` says so. Read-only mode adds no list of its own: the
   * sandbox is then read-only, which is the guarantee.
   */
  async sandboxedCommand(tool: string, input: { command: string } | { argv: string[] }, cwd: string): Promise<GateResult<CommandDecision> & { hostChange?: boolean }> {
    const policy = this.deps.config.policy;
    let decision: CommandDecision;
    try {
      decision = await this.deps.policy.decideCommand({ ...input, cwd }, policy.mode === 'read-only' ? { ...policy, mode: 'standard' } : policy, this.context());
    } catch (err) {
      return undecided(err);
    }
    if (decision.action === 'deny') return this.enforce(decision, { tool, action: actionText(input), rule: decision.rule, reason: decision.reason });
    return { allowed: true, decision, audit: { decision: 'allow', rule: decision.rule }, hostChange: decision.action === 'confirm' };
  }

  /**
   * One command on the host, outside the sandbox (run_command host: true): decideHostCommand, then
   * the same enforcement as every other action, so the approval covers this exact argv and cwd.
   */
  async hostCommand(tool: string, input: { command: string } | { argv: string[] }, cwd: string, signal?: AbortSignal, extra?: ActionExtra): Promise<GateResult<CommandDecision>> {
    let decision: CommandDecision;
    try {
      decision = await this.deps.policy.decideHostCommand({ ...input, cwd }, this.deps.config.policy, this.context());
    } catch (err) {
      return undecided(err);
    }
    // The approval binds where it runs as well as what: the same argv in the sandbox is another action.
    const subject: ActionSubject = { ...commandSubject(input), cwd, host: true, ...extra?.subject };
    const action = `on the host, outside the sandbox, in ${cwd}: ${actionText(input)}`;
    return this.enforce(decision, { tool, action, rule: decision.rule, reason: decision.reason, subject, ...previewOf(extra) }, signal);
  }

  /** Resolves the path (symlinks, ..) and asks the policy about the resolved path. */
  async path(tool: string, raw: string, op: 'read' | 'write' | 'list', signal?: AbortSignal, extra?: ActionExtra): Promise<GateResult<PathDecision>> {
    const { policy } = this.deps;
    let decision: PathDecision;
    try {
      const resolved = await policy.resolvePathForPolicy(raw);
      decision = await policy.decidePath(resolved, op, this.deps.config.policy, this.context());
    } catch (err) {
      const message = `Not done: couldn't check the path ${JSON.stringify(raw)} against the policy (${(err as Error).message}).`;
      return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
    }
    const action = `${op} ${decision.path}`;
    const subject: ActionSubject = { op, path: decision.path, ...extra?.subject };
    return this.enforce(decision, { tool, action, rule: decision.rule, reason: decision.reason, subject, ...previewOf(extra) }, signal);
  }

  private async enforce<D extends { action: string; rule: string; reason: string }>(
    decision: D,
    pending: PendingAction,
    signal?: AbortSignal,
  ): Promise<GateResult<D>> {
    if (decision.action === 'allow') return { allowed: true, decision, audit: { decision: 'allow', rule: decision.rule } };
    if (decision.action === 'deny') {
      const message = `Denied by policy rule ${decision.rule}: ${decision.reason}. Nothing was done.`;
      return { allowed: false, decision, message, audit: { decision: 'deny', rule: decision.rule } };
    }
    if (this.call.approvalId !== undefined) return this.redeem(decision, pending, this.call.approvalId);
    const answer = await this.askHuman(pending, signal);
    if (answer === 'accept') return { allowed: true, decision, audit: { decision: 'confirm:accepted', rule: decision.rule, approval: { via: 'elicitation' } } };
    if (answer === 'decline' || answer === 'not-approved') {
      return { allowed: false, decision, message: declinedRefusal(pending, answer), audit: { decision: `confirm:${answer}`, rule: decision.rule } };
    }
    if (answer === 'aborted') return { allowed: false, decision, message: 'Not done: the call was cancelled while it waited for approval.', audit: { decision: 'confirm:cancelled', rule: decision.rule } };
    return this.askOnHost(decision, pending, answer);
  }

  private get approvals(): ApprovalStore {
    return new ApprovalStore(this.deps.store, this.deps.now);
  }

  private approveCommand(): string {
    return `${join(this.deps.installPrefix, 'bin', 'ldm-mcp-server')} approve`;
  }

  /** Nobody in the session could answer: a pending approval for the human on the host. */
  private async askOnHost<D extends { rule: string }>(decision: D, pending: PendingAction, why: WhyOutOfBand): Promise<GateResult<D>> {
    const subject = pending.subject ?? { action: pending.action };
    let approval;
    try {
      ({ approval } = await this.approvals.request(
        {
          tool: pending.tool,
          action: pending.action.slice(0, STORED_ACTION_MAX),
          actionCut: pending.action.length > STORED_ACTION_MAX,
          details: Object.fromEntries(Object.entries(actionDetails(subject)).map(([k, v]) => [k.slice(0, 64), v.slice(0, 4096)])),
          ...(pending.preview !== undefined ? { preview: pending.preview.slice(0, 4096) } : {}),
          hash: actionHash(pending.tool, subject),
          rule: pending.rule.slice(0, 300),
          reason: pending.reason.slice(0, 1000),
          session: { key: sha256Hex(this.call.session.key), label: this.call.session.label.slice(0, 300) },
        },
        this.deps.config.mcp.approvalTtlSec,
      ));
    } catch (err) {
      this.deps.logger.error(`couldn't record a pending approval: ${(err as Error).message}`);
      const message = `Not done: ${pending.tool} needs the owner's approval, and it could not be recorded for them (${(err as Error).message}).`;
      return { allowed: false, decision, message, audit: { decision: 'confirm:error', rule: decision.rule } };
    }
    const message = pendingApprovalRefusal(pending, approval, this.approveCommand(), why, this.deps.paths.configFile, this.deps.now());
    return { allowed: false, decision, message, audit: { decision: 'confirm:pending', rule: decision.rule, approval: { id: approval.id, via: 'host-cli' } } };
  }

  /** The model presents an approval id: it lets this call through only if the human gave it for exactly this. */
  private async redeem<D extends { rule: string }>(decision: D, pending: PendingAction, id: string): Promise<GateResult<D>> {
    const subject = pending.subject ?? { action: pending.action };
    const outcome = APPROVAL_ID.test(id)
      ? await this.approvals.redeem(id, sha256Hex(this.call.session.key), actionHash(pending.tool, subject))
      : ({ ok: false, why: 'unknown' } as const);
    if (outcome.ok) {
      const approval = { id, via: 'host-cli' as const, ...(outcome.approval.decidedBy ? { by: outcome.approval.decidedBy } : {}) };
      return { allowed: true, decision, audit: { decision: 'confirm:approved', rule: decision.rule, approval } };
    }
    const message = redeemRefusal(pending, id, outcome.why, this.approveCommand());
    return { allowed: false, decision, message, audit: { decision: `confirm:approval-${outcome.why}`, rule: decision.rule } };
  }

  private async askHuman(pending: PendingAction, signal?: AbortSignal): Promise<HumanAnswer> {
    const caps = this.server.getClientCapabilities();
    if (!caps?.elicitation) return 'unsupported';
    const stop = keepAlive(this.call.sendNotification, this.call.progressToken, 'waiting for the human to answer the approval prompt', this.call.progressEveryMs);
    try {
      const result = await this.server.elicitInput(
        {
          mode: 'form',
          message: confirmMessage(pending),
          requestedSchema: {
            type: 'object',
            properties: {
              approve: { type: 'boolean', title: 'Approve this exact action', description: visibleText(pending.action, 500), default: false },
            },
            required: ['approve'],
          },
        },
        // On the tools/call's own stream: a Streamable HTTP client that only POSTs sees it there.
        { timeout: this.deps.config.mcp.confirmTimeoutSec * 1000, ...(signal ? { signal } : {}), ...(this.call.requestId !== undefined ? { relatedRequestId: this.call.requestId } : {}) },
      );
      if (result.action === 'decline') return 'decline';
      if (result.action === 'cancel') return 'cancel';
      return result.action === 'accept' && result.content?.approve === true ? 'accept' : 'not-approved';
    } catch (err) {
      if (signal?.aborted) return 'aborted';
      const text = (err as Error).message ?? '';
      if (/does not support/i.test(text)) return 'unsupported';
      if (/timed? ?out/i.test(text)) return 'timeout';
      this.deps.logger.warn(`confirm prompt failed: ${text}`);
      return 'failed';
    } finally {
      stop();
    }
  }
}

function previewOf(extra: ActionExtra | undefined): { preview?: string } {
  return extra?.preview !== undefined ? { preview: extra.preview } : {};
}

/** A policy that cannot decide must not default to allow: the command is refused, with why. */
function undecided(err: unknown): { allowed: false; decision: null; message: string; audit: AuditFacts } {
  const message = `Not done: the command policy could not decide on this input (${(err as Error).message}); nothing was run.`;
  return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
}

/** What of a command an approval binds: the line, or the argv. */
function commandSubject(input: { command: string } | { argv: string[] }): ActionSubject {
  return 'command' in input ? { command: input.command } : { argv: input.argv };
}

function actionText(input: { command: string } | { argv: string[] }): string {
  return 'command' in input ? input.command : input.argv.map(shellQuote).join(' ');
}

/** POSIX single-quoting, for showing an argv to a human as one line. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
