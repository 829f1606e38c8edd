// Built-in rules as values: {id, programs, findings}. A family of rules is one file exporting a
// list of these; builtinFindings() looks a program up in the index instead of walking an if-chain.
import type { Word } from './shell-parse';
import type { PolicyContext } from './types';
import type { TargetFinding } from './command-targets';

export interface Finding {
  action: 'deny' | 'confirm';
  rule: string;
  reason: string;
  /**
   * builtin: a built-in rule (config allow cannot lift it).
   * default: what standard mode does with commands it cannot inspect (scripts, inline code, programs
   * outside the system directories); a config allow rule lifts it.
   */
  level: 'builtin' | 'default';
  /** A confirmation that stays on in unrestricted mode: the target is unknowable. */
  always?: boolean;
}

export interface RuleEnv {
  ctx: PolicyContext;
  /** Directories the command line cds into before, if written literally. */
  cwds: string[];
  /** A download command (curl, wget ...) appears somewhere in the input. */
  hasDownloader: boolean;
}

export interface BuiltinRule {
  /** For docs and tests: which family member this is (the finding's rule id says what was decided). */
  id: string;
  /** Program basenames the rule looks at. */
  programs: readonly string[];
  /** Findings for `program args` (argv[0] removed). */
  findings: (program: string, args: Word[], env: RuleEnv) => Finding[];
}

export const fromTarget = (t: TargetFinding | null): Finding[] => (t ? [{ ...t, level: 'builtin' }] : []);
export const deny = (rule: string, reason: string): Finding => ({ action: 'deny', rule: `builtin:deny:${rule}`, reason, level: 'builtin' });
export const confirm = (rule: string, reason: string, always = false): Finding => ({ action: 'confirm', rule: `builtin:confirm:${rule}`, reason, level: 'builtin', ...(always ? { always } : {}) });
export const byDefault = (rule: string, reason: string): Finding => ({ action: 'confirm', rule: `default:confirm:${rule}`, reason, level: 'default' });

/** Indexes rule lists by program, keeping each program's rules in list order. */
export function indexRules(...lists: (readonly BuiltinRule[])[]): Map<string, BuiltinRule[]> {
  const index = new Map<string, BuiltinRule[]>();
  for (const list of lists)
    for (const r of list)
      for (const p of r.programs) {
        const at = index.get(p);
        if (at) at.push(r);
        else index.set(p, [r]);
      }
  return index;
}
