// The built-in rules, applied to each command after the wrappers around it are peeled off.
// Each rule is a value {id, programs, findings}, one file per family; this module indexes them
// and adds what applies to every command. Rule ids are "builtin:deny:<name>" and
// "builtin:confirm:<name>"; docs/policy.md lists them.
import { posix } from 'node:path';
import type { Word } from './shell-parse';
import { literal } from './shell-words';
import { wrapperHostChange } from './command-wrappers';
import { checkSecretRead } from './command-targets';
import { byDefault, confirm, fromTarget, indexRules, type Finding, type RuleEnv } from './command-rule-table';
import { EXEC_RULES } from './command-rules-exec';
import { WRITE_RULES } from './command-rules-write';
import { BUS_RULES } from './command-rules-bus';
import { STORAGE_RULES } from './command-rules-storage';
import { SERVICE_RULES } from './command-rules-services';
import { FILE_RULES } from './command-rules-files';
import { SYSTEM_RULES } from './command-rules-system';
import { SHELL_RULES } from './command-rules-shell';

/** Every built-in rule family, in the order their findings are reported. */
export const BUILTIN_RULES = indexRules(EXEC_RULES, WRITE_RULES, BUS_RULES, STORAGE_RULES, SERVICE_RULES, FILE_RULES, SYSTEM_RULES, SHELL_RULES);

export type { Finding, RuleEnv } from './command-rule-table';
export { globRegex } from './command-rules-services';
export { AWK_EFFECTS, INTERPRETERS, assignmentFindings } from './command-rules-shell';

export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'axel', 'lwp-request', 'GET', 'http', 'https', 'xh', 'nc', 'ncat', 'netcat', 'socat', 'tftp', 'ftp', 'scp', 'rsync', 'git']);
/** Where distribution packages put programs: running one of these by path is like running it by name. */
const SYSTEM_BIN_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/lib', '/usr/libexec', '/lib', '/snap/bin'];
/** Programs that only look at a file's metadata: naming a secret file to them reads nothing of it. */
const METADATA_ONLY = new Set(['ls', 'stat', 'file', 'namei', 'test', '[', 'du', 'find', 'realpath', 'readlink', 'dirname', 'basename', 'getfacl', 'lsattr']);

/** Built-in findings for one command (argv after the wrappers around it are removed). */
export function builtinFindings(program: string, argv: Word[], env: RuleEnv): Finding[] {
  const args = argv.slice(1);
  const out: Finding[] = [];
  const prog0 = literal(argv[0]!) ?? '';

  // Programs run by path from outside the system directories were perhaps written by the model.
  if (prog0.includes('/')) {
    const norm = posix.normalize(prog0);
    if (!norm.startsWith('/') || !SYSTEM_BIN_DIRS.some((d) => norm.startsWith(d + '/')))
      out.push(byDefault('unlisted-program', `${prog0} is not an installed system program; its contents cannot be checked`));
  }
  const hostChange = wrapperHostChange(program, args);
  if (hostChange) out.push(confirm('host-wrapper', hostChange));
  for (const rule of BUILTIN_RULES.rulesFor(program)) out.push(...rule.findings(program, args, env));
  // Any literal argument naming a secret file is refused. Last, so that a more specific rule
  // (rm, sed -i ...) gives the reason.
  if (!METADATA_ONLY.has(program)) for (const w of args) out.push(...fromTarget(checkSecretRead(w, env.cwds)));
  return out;
}
