import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CommandDecision, PathDecision } from '@ldm/core';
import { policyContextOf, type ServerDeps } from '../server/deps';
import type { AuditFacts } from '../tools/tool-def';
import { confirmMessage, declinedRefusal, noElicitationRefusal, type PendingAction } from './confirm-text';

export type GateResult<D> = { allowed: true; decision: D; audit: AuditFacts } | { allowed: false; decision: D | null; message: string; audit: AuditFacts };

/**
 * Where every action that changes the host passes: the policy decides (its logic lives in
 * @ldm/core), this enforces. 'confirm' asks the human through MCP elicitation; only an explicit
 * accept with the box ticked lets the action through.
 */
export class PolicyGate {
  constructor(
    private readonly deps: ServerDeps,
    private readonly server: Server,
  ) {}

  /** A command line (run via bash -c) or an argv (run without a shell). */
  async command(tool: string, input: { command: string } | { argv: string[] }, signal?: AbortSignal, cwd?: string): Promise<GateResult<CommandDecision>> {
    const { policy } = this.deps;
    let decision: CommandDecision;
    try {
      decision = await policy.decideCommand({ ...input, ...(cwd ? { cwd } : {}) }, this.deps.config.policy, policyContextOf(this.deps));
    } catch (err) {
      // A policy that cannot decide must not default to allow.
      const message = `Not done: the command policy could not decide on this input (${(err as Error).message}); nothing was run.`;
      return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
    }
    const action = 'command' in input ? input.command : input.argv.map(shellQuote).join(' ');
    return this.enforce(decision, { tool, action, rule: decision.rule, reason: decision.reason }, signal);
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
      decision = await this.deps.policy.decideCommand({ ...input, cwd }, policy.mode === 'read-only' ? { ...policy, mode: 'standard' } : policy, policyContextOf(this.deps));
    } catch (err) {
      const message = `Not done: the command policy could not decide on this input (${(err as Error).message}); nothing was run.`;
      return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
    }
    if (decision.action === 'deny') return this.enforce(decision, { tool, action: actionText(input), rule: decision.rule, reason: decision.reason });
    return { allowed: true, decision, audit: { decision: 'allow', rule: decision.rule }, hostChange: decision.action === 'confirm' };
  }

  /**
   * One command on the host, outside the sandbox (run_command host: true): decideHostCommand, then
   * the same enforcement as every other action, so the approval covers this exact argv and cwd.
   */
  async hostCommand(tool: string, input: { command: string } | { argv: string[] }, cwd: string, signal?: AbortSignal): Promise<GateResult<CommandDecision>> {
    let decision: CommandDecision;
    try {
      decision = await this.deps.policy.decideHostCommand({ ...input, cwd }, this.deps.config.policy, policyContextOf(this.deps));
    } catch (err) {
      const message = `Not done: the command policy could not decide on this input (${(err as Error).message}); nothing was run.`;
      return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
    }
    return this.enforce(decision, { tool, action: `on the host, outside the sandbox, in ${cwd}: ${actionText(input)}`, rule: decision.rule, reason: decision.reason }, signal);
  }

  /** Resolves the path (symlinks, ..) and asks the policy about the resolved path. */
  async path(tool: string, raw: string, op: 'read' | 'write' | 'list', signal?: AbortSignal): Promise<GateResult<PathDecision>> {
    const { policy } = this.deps;
    let decision: PathDecision;
    try {
      const resolved = await policy.resolvePathForPolicy(raw);
      decision = await policy.decidePath(resolved, op, this.deps.config.policy, policyContextOf(this.deps));
    } catch (err) {
      const message = `Not done: couldn't check the path ${JSON.stringify(raw)} against the policy (${(err as Error).message}).`;
      return { allowed: false, decision: null, message, audit: { decision: 'error', rule: 'policy-error' } };
    }
    const action = `${op} ${decision.path}`;
    return this.enforce(decision, { tool, action, rule: decision.rule, reason: decision.reason }, signal);
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
    const outcome = await this.askHuman(pending, signal);
    if (outcome === 'accept') return { allowed: true, decision, audit: { decision: 'confirm:accepted', rule: decision.rule } };
    const message = outcome === 'unsupported' ? noElicitationRefusal(pending, this.deps.paths.configFile) : declinedRefusal(pending, outcome);
    return { allowed: false, decision, message, audit: { decision: `confirm:${outcome}`, rule: decision.rule } };
  }

  private async askHuman(pending: PendingAction, signal?: AbortSignal): Promise<'accept' | 'unsupported' | 'decline' | 'cancel' | 'timeout' | 'not-approved'> {
    const caps = this.server.getClientCapabilities();
    if (!caps?.elicitation) return 'unsupported';
    try {
      const result = await this.server.elicitInput(
        {
          mode: 'form',
          message: confirmMessage(pending),
          requestedSchema: {
            type: 'object',
            properties: {
              approve: { type: 'boolean', title: 'Approve this exact action', description: pending.action, default: false },
            },
            required: ['approve'],
          },
        },
        { timeout: this.deps.config.mcp.confirmTimeoutSec * 1000, signal },
      );
      if (result.action === 'decline') return 'decline';
      if (result.action === 'cancel') return 'cancel';
      return result.action === 'accept' && result.content?.approve === true ? 'accept' : 'not-approved';
    } catch (err) {
      const text = (err as Error).message ?? '';
      if (/does not support/i.test(text)) return 'unsupported';
      if (/timed? ?out/i.test(text)) return 'timeout';
      this.deps.logger.warn(`confirm prompt failed: ${text}`);
      return 'cancel';
    }
  }
}

function actionText(input: { command: string } | { argv: string[] }): string {
  return 'command' in input ? input.command : input.argv.map(shellQuote).join(' ');
}

/** POSIX single-quoting, for showing an argv to a human as one line. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
