import { describe, expect, jest, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decideCommand, PolicyConfigSchema } from '@ldm/core';
import { BUILTIN_RULES } from '../../src/policy/command-builtin-rules';
import { DANGEROUS, CTX } from './corpus';

const ROOT = join(import.meta.dirname, '../../../..');
const POLICY_SRC = join(ROOT, 'packages/core/src/policy');
const DOCS = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');

describe('built-in rules as values', () => {
  test('rule ids are unique and every rule names at least one program or a pattern', () => {
    const ids = BUILTIN_RULES.all.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of BUILTIN_RULES.all) expect(r.programs.length > 0 || r.programPattern !== undefined).toBe(true);
  });

  test('a program is looked up by name and by pattern, in the order the families are listed', () => {
    expect(BUILTIN_RULES.rulesFor('mkfs.ext4').map((r) => r.id)).toEqual(['mkfs']);
    expect(BUILTIN_RULES.rulesFor('perl5.36').map((r) => r.id)).toEqual(['perl-in-place', 'interpreters']);
    expect(BUILTIN_RULES.rulesFor('vipw').map((r) => r.id)).toEqual(['accounts', 'editors']);
    expect(BUILTIN_RULES.rulesFor('no-such-program')).toEqual([]);
  });

  test('every rule is exercised by the dangerous corpus: each one produces a finding for some entry', () => {
    const fired = new Set<string>();
    const spies = BUILTIN_RULES.all.map((rule) => {
      const original = rule.findings;
      return jest.spyOn(rule, 'findings').mockImplementation((program, args, env) => {
        const found = original(program, args, env);
        if (found.length) fired.add(rule.id);
        return found;
      });
    });
    try {
      const standard = PolicyConfigSchema.parse({});
      for (const c of DANGEROUS) decideCommand({ command: c.command }, standard, CTX);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(BUILTIN_RULES.all.map((r) => r.id).filter((id) => !fired.has(id))).toEqual([]);
  });

  test('every finding name a rule can give is documented in docs/policy.md', () => {
    const names = new Set<string>();
    for (const file of readdirSync(POLICY_SRC).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(POLICY_SRC, file), 'utf8');
      for (const m of text.matchAll(/\b(?:deny|confirm|byDefault)\('([a-z][a-z-]*)'/g)) names.add(m[1]!);
    }
    expect(names.size).toBeGreaterThan(30);
    expect([...names].filter((name) => !DOCS.includes(`\`${name}\``)).sort()).toEqual([]);
  });
});
