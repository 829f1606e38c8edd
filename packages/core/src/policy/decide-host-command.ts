// run_command with host: true runs one command outside the sandbox. This decides whether that needs
// the human: always, except in unrestricted mode or when the human's own policy.allow rules cover
// every command in it. The built-in deny list and policy.deny still apply. Pure, like decideCommand.
import { posix } from 'node:path';
import type { PolicyConfig } from './policy-config';
import type { CommandDecision, PolicyContext } from './types';
import { decideCommand } from './decide-command';
import { parseShell } from './shell-parse';
import { literal } from './shell-words';
import { parseCommandRule, ruleMatches, type RuleArg } from './command-rule';

type HostInput = { command?: string; argv?: string[]; cwd?: string };

const WRITE_OPS = new Set(['>', '>>', '>|', '<>', '&>', '&>>']);

/** An argument whose value the shell decides (expansion, glob, quoting residue) is unknown to an allow rule. */
const ruleArg = (a: string): RuleArg => (/[$`*?[\]{}~\\]/.test(a) ? null : a);

/** The first policy.allow index matching each command, or null when one command has none. */
function allowedBy(commands: string[][], allow: string[]): number[] | null {
  const rules = allow.map(parseCommandRule);
  const found: number[] = [];
  for (const argv of commands) {
    const program = posix.basename(argv[0] ?? '');
    const i = program ? rules.findIndex((r) => ruleMatches(r, program, argv.slice(1).map(ruleArg), false)) : -1;
    if (i === -1) return null;
    found.push(i);
  }
  return found;
}

/** A redirection that writes a file: the allow rules name programs, not the files a shell opens. */
function writesByRedirection(input: HostInput): boolean {
  if (input.command === undefined) return false;
  const parsed = parseShell(input.command);
  if (!parsed.ok) return true;
  return parsed.simple.some((c) => c.redirects.some((r) => WRITE_OPS.has(r.op) && literal(r.target) !== '/dev/null'));
}

export function decideHostCommand(input: HostInput, policy: PolicyConfig, ctx: PolicyContext): CommandDecision {
  if (policy.mode === 'read-only')
    return { action: 'deny', rule: 'mode:read-only', reason: 'policy.mode is read-only: nothing runs on the host outside the sandbox', commands: [] };
  const d = decideCommand(input, policy, ctx);
  if (d.action === 'deny' || policy.mode === 'unrestricted') return d;
  const by = d.commands.length && !writesByRedirection(input) ? allowedBy(d.commands, policy.allow) : null;
  if (by) {
    const rules = [...new Set(by)].map((i) => `policy.allow[${i}]`);
    return { action: 'allow', rule: `config:${rules[0]}`, reason: `every command in it matches the human's allow rules (${rules.join(', ')})`, commands: d.commands };
  }
  const also = d.action === 'confirm' ? `; the policy also notes: ${d.reason}` : '';
  return { action: 'confirm', rule: 'host:confirm', reason: `it runs on the host outside the sandbox, which needs the human's approval of this exact command and cwd${also}`, commands: d.commands };
}
