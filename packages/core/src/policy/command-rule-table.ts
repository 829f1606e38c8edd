// Built-in rules as values: {id, programs, findings}. A family of rules is one file exporting a
// list of these; builtinFindings() looks a program up in the index.
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
  /** Program names matched by pattern too (mkfs.*, fsck.*, perl5.36, python3.12 ...). */
  programPattern?: RegExp;
  /** Findings for `program args` (argv[0] removed). */
  findings: (program: string, args: Word[], env: RuleEnv) => Finding[];
}

export const fromTarget = (t: TargetFinding | null): Finding[] => (t ? [{ ...t, level: 'builtin' }] : []);
export const deny = (rule: string, reason: string): Finding => ({ action: 'deny', rule: `builtin:deny:${rule}`, reason, level: 'builtin' });
export const confirm = (rule: string, reason: string, always = false): Finding => ({ action: 'confirm', rule: `builtin:confirm:${rule}`, reason, level: 'builtin', ...(always ? { always } : {}) });
export const byDefault = (rule: string, reason: string): Finding => ({ action: 'confirm', rule: `default:confirm:${rule}`, reason, level: 'default' });

/** The rules that apply to a program, in the order of the lists they were indexed from. */
export interface RuleIndex {
  rulesFor(program: string): readonly BuiltinRule[];
  /** Every rule, in order: for docs and tests. */
  readonly all: readonly BuiltinRule[];
}

/** Indexes rule lists by program name; rules with a programPattern are matched in their place in the order. */
export function indexRules(...lists: (readonly BuiltinRule[])[]): RuleIndex {
  const all = lists.flat();
  const byName = new Map<string, number[]>();
  const patterned: number[] = [];
  all.forEach((rule, position) => {
    for (const p of rule.programs) byName.set(p, [...(byName.get(p) ?? []), position]);
    if (rule.programPattern) patterned.push(position);
  });
  return {
    all,
    rulesFor(program) {
      const named = byName.get(program) ?? [];
      const matched = patterned.filter((position) => all[position]!.programPattern!.test(program) && !named.includes(position));
      const positions = matched.length ? [...named, ...matched].sort((a, b) => a - b) : named;
      return positions.map((position) => all[position]!);
    },
  };
}
