// Whether a learned fix may run on the host without a human: the same policy decision as the MCP
// server's gate (decideCommand, the same PolicyContext), with learn.autoRemediationAllow as the
// human's pre-authorisation. Pure: no I/O; the caller runs what comes out as "run".
import { posix } from 'node:path';
import { decideCommand } from '../policy/decide-command';
import { parseCommandRule, ruleMatches } from '../policy/command-rule';
import type { PolicyConfig } from '../policy/policy-config';
import type { CommandDecision, PolicyContext } from '../policy/types';

/** Automatic fixes run with this working directory; the policy judges relative paths from it. */
export const FIX_CWD = '/';

/** Pure: a learned command line as argv. Quotes are refused rather than guessed at: no shell runs it. */
export function splitCommand(command: string): string[] {
  if (/["'\\]/.test(command)) throw new Error(`refusing to run ${JSON.stringify(command)} automatically: quoting is not supported without a shell`);
  const argv = command.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new Error('refusing to run an empty command');
  return argv;
}

export type FixVerdict = 'run' | 'deny' | 'confirm' | 'not-authorised' | 'unparsable';

export interface FixStep {
  command: string;
  /** What would run; null when the command could not be read as argv. */
  argv: string[] | null;
  verdict: FixVerdict;
  rule: string;
  reason: string;
}

export interface FixGateInput {
  policy: PolicyConfig;
  ctx: PolicyContext;
  /** learn.autoRemediationAllow: command rules (docs/policy.md syntax) the human wrote. */
  preAuthorised: string[];
  /** Injected for tests; the real policy engine otherwise. */
  decide?: (input: { argv: string[]; cwd: string }, policy: PolicyConfig, ctx: PolicyContext) => CommandDecision;
}

export interface FixGate {
  /** Every step may run unattended. */
  run: boolean;
  steps: FixStep[];
  /** The first step that keeps the fix from running: a deny wins over a confirm, a confirm over the rest. */
  blocker?: FixStep;
}

const ORDER: Record<FixVerdict, number> = { deny: 0, confirm: 1, 'not-authorised': 2, unparsable: 3, run: 4 };

/**
 * Pure: a fix runs unattended only when, for every one of its commands, the policy does not deny it,
 * does not ask for a human, and a learn.autoRemediationAllow rule matches it. The pre-authorisation
 * counts like a config allow rule: it lifts what standard mode asks about by default (an unlisted
 * program), never a built-in deny or confirmation. All commands are judged before any runs.
 */
export function gateFix(commands: string[], input: FixGateInput): FixGate {
  const decide = input.decide ?? decideCommand;
  const rules = input.preAuthorised.flatMap((r) => {
    try {
      return [parseCommandRule(r)];
    } catch {
      return [];
    }
  });
  const policy: PolicyConfig = { ...input.policy, allow: [...input.policy.allow, ...input.preAuthorised] };
  const steps = commands.map((command): FixStep => {
    let argv: string[];
    try {
      argv = splitCommand(command);
    } catch (err) {
      return { command, argv: null, verdict: 'unparsable', rule: 'learn:argv', reason: (err as Error).message };
    }
    let d: CommandDecision;
    try {
      d = decide({ argv, cwd: FIX_CWD }, policy, input.ctx);
    } catch (err) {
      // A policy that cannot decide must not default to running the command.
      return { command, argv, verdict: 'deny', rule: 'policy-error', reason: `the command policy could not decide (${(err as Error).message})` };
    }
    if (d.action === 'deny' || d.action === 'confirm') return { command, argv, verdict: d.action, rule: d.rule, reason: d.reason };
    const program = posix.basename(argv[0]!);
    if (!rules.some((r) => ruleMatches(r, program, argv.slice(1), false)))
      return { command, argv, verdict: 'not-authorised', rule: 'learn.autoRemediationAllow', reason: `${JSON.stringify(command)} matches no rule in learn.autoRemediationAllow` };
    return { command, argv, verdict: 'run', rule: d.rule, reason: d.reason };
  });
  const blocker = steps.filter((s) => s.verdict !== 'run').sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict])[0];
  return { run: steps.length > 0 && !blocker, steps, ...(blocker ? { blocker } : {}) };
}
