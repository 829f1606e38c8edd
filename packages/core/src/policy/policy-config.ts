import * as z from 'zod';
import { parseCommandRule } from './command-rule';
import { SandboxConfigSchema } from '../sandbox/sandbox-config';

/** Built-in deny rules that the config may downgrade to "confirm" by naming them in `relaxBuiltin`. */
export const RELAXABLE_BUILTIN_RULES = ['power'] as const;

/** One command rule (command-rule.ts syntax), checked when the config loads. */
export const CommandRuleString = z.string().check((ctx) => {
  try {
    parseCommandRule(ctx.value);
  } catch (err) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: (err as Error).message });
  }
});

const AbsolutePathPattern = z.string().refine((p) => p.startsWith('/') && !p.includes('\0'), {
  error: (iss) => `path pattern must be absolute, got ${JSON.stringify(iss.input)}`,
});

/**
 * The `policy` section of the config. Only the human edits it: the suite's own config file is denied
 * to the model, through both the command and the file tools. Rule syntax: docs/policy.md.
 */
export const PolicyConfigSchema = z.strictObject({
  mode: z.enum(['standard', 'read-only', 'unrestricted']).default('standard'),
  /** Command rules that deny, ask for confirmation, or allow; see command-rule.ts for the syntax. */
  deny: z.array(CommandRuleString).default([]),
  allow: z.array(CommandRuleString).default([]),
  confirm: z.array(CommandRuleString).default([]),
  /** Built-in deny rules (by name) that become "confirm" instead. Only those in RELAXABLE_BUILTIN_RULES. */
  relaxBuiltin: z.array(z.enum(RELAXABLE_BUILTIN_RULES)).default([]),
  paths: z
    .strictObject({
      /** The file tools work only inside these (absolute paths or globs). */
      allow: z.array(AbsolutePathPattern).default(['/']),
      deny: z.array(AbsolutePathPattern).default([]),
      /** Writes here need the human's confirmation. */
      confirmWrite: z.array(AbsolutePathPattern).default([]),
    })
    .prefault({}),
  /** Containment of the commands the model runs (run_command, jobs); see sandbox-config.ts. */
  sandbox: SandboxConfigSchema.prefault({}),
});

export type PolicyConfig = z.infer<typeof PolicyConfigSchema>;
