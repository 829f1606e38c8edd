// The config's command rules (policy.deny / confirm / allow). A rule is a program name followed by
// argument patterns, written like a command line:
//   "systemctl restart *"     systemctl, then restart, then any one argument, then anything
//   "apt-get install **"      ** matches any number of arguments (also none)
//   "docker ps $"             a final $ means: no further arguments
// Tokens are globs: * and ? match within one argument; quotes ('a b' or "a b") keep spaces.
// The program token is compared with the basename of the command (/usr/bin/rm matches "rm").
// Without a final $, a rule matches a prefix: "systemctl restart" matches "systemctl restart nginx".

export interface CommandRule {
  source: string;
  program: RegExp;
  args: (RegExp | '**')[];
  exact: boolean;
}

/** An argument as the matcher sees it: its literal value, or null when it is not known statically. */
export type RuleArg = string | null;

export function tokenizeRule(rule: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i]!;
    if (c === "'" || c === '"') {
      const end = rule.indexOf(c, i + 1);
      if (end === -1) throw new Error(`unterminated quote in rule ${JSON.stringify(rule)}`);
      cur += rule.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === ' ' || c === '\t') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function globToRegex(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's');
}

/** Parses one rule; throws an Error naming the rule when it is malformed. */
export function parseCommandRule(rule: string): CommandRule {
  const tokens = tokenizeRule(rule);
  if (tokens.length === 0) throw new Error(`empty command rule ${JSON.stringify(rule)}`);
  const exact = tokens[tokens.length - 1] === '$';
  if (exact) tokens.pop();
  const [program, ...args] = tokens;
  if (!program || program === '**' || program.includes('/'))
    throw new Error(`command rule ${JSON.stringify(rule)} must start with a program name (no path, no "**")`);
  return { source: rule, program: globToRegex(program), args: args.map((a) => (a === '**' ? '**' : globToRegex(a))), exact };
}

/**
 * Does the rule match `program args...`? `unknownMatches` says how arguments that are not known
 * statically count: for deny and confirm rules they match (fail closed), for allow rules they
 * match only a bare `*` or `**`.
 */
export function ruleMatches(rule: CommandRule, program: string, args: RuleArg[], unknownMatches: boolean): boolean {
  if (!rule.program.test(program)) return false;
  const argOk = (re: RegExp, a: RuleArg): boolean => (a === null ? unknownMatches || re.source === '^.*$' : re.test(a));
  const match = (ri: number, ai: number): boolean => {
    if (ri === rule.args.length) return !rule.exact || ai === args.length;
    const r = rule.args[ri]!;
    if (r === '**') {
      for (let k = ai; k <= args.length; k++) if (match(ri + 1, k)) return true;
      return false;
    }
    if (ai >= args.length) return false;
    return argOk(r, args[ai]!) && match(ri + 1, ai + 1);
  };
  return match(0, 0);
}
