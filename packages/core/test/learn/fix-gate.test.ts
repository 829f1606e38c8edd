import { describe, expect, test } from '@jest/globals';
import { ConfigSchema, gateFix, policyContextOf, splitCommand, type CommandDecision } from '../../src/index';

const CTX = policyContextOf({
  paths: { stateDir: '/var/lib/linux-devops-mcp', logDir: '/var/log/linux-devops-mcp', configFile: '/etc/linux-devops-mcp/config.json' },
  installPrefix: '/opt/linux-devops-mcp',
});
const policy = (over: unknown = {}) => ConfigSchema.parse({ policy: over }).policy;
const gate = (commands: string[], preAuthorised: string[], p = policy()) => gateFix(commands, { policy: p, ctx: CTX, preAuthorised });

describe('gateFix: the policy decision on a learned fix (real policy engine)', () => {
  test('an allowed, pre-authorised fix runs as argv', () => {
    const g = gate(['systemctl restart nginx.service'], ['systemctl restart']);
    expect(g).toMatchObject({ run: true, steps: [{ argv: ['systemctl', 'restart', 'nginx.service'], verdict: 'run' }] });
  });

  test.each([
    ['systemctl stop ldm-healthcheck.timer', 'builtin:deny:suite-unit'],
    ['systemctl disable ldm-mcp-http.socket', 'builtin:deny:suite-unit'],
    ['rm -rf /etc', 'builtin:deny:rm-root'],
    ['systemctl reboot', 'builtin:deny:power'],
  ])('a denied command never runs, whatever the pre-authorisation: %s', (command, rule) => {
    const g = gate([command], ['systemctl', 'rm', 'systemctl **']);
    expect(g.run).toBe(false);
    expect(g.blocker).toMatchObject({ verdict: 'deny', rule });
  });

  test('a command that needs a human is not run unattended, even pre-authorised', () => {
    expect(gate(['systemctl stop nginx.service'], ['systemctl']).blocker).toMatchObject({ verdict: 'confirm', rule: 'builtin:confirm:service-stop' });
    expect(gate(['systemctl restart ldm-healthcheck.service'], ['systemctl']).blocker).toMatchObject({ verdict: 'confirm', rule: 'builtin:confirm:suite-unit' });
  });

  test('pre-authorisation is matched as a command rule, not a text prefix', () => {
    expect(gate(['systemctl restarter x'], ['systemctl restart']).blocker).toMatchObject({ verdict: 'not-authorised' });
    expect(gate(['systemctl reload nginx'], ['systemctl restart']).blocker).toMatchObject({ verdict: 'not-authorised' });
    expect(gate(['systemctl restart nginx extra'], ['systemctl restart * $']).blocker).toMatchObject({ verdict: 'not-authorised' });
    expect(gate(['/usr/bin/systemctl restart nginx'], ['systemctl restart']).run).toBe(true);
  });

  test('policy.allow alone does not pre-authorise an automatic fix', () => {
    expect(gate(['systemctl restart nginx'], [], policy({ allow: ['systemctl restart'] })).blocker).toMatchObject({ verdict: 'not-authorised' });
  });

  test('a config deny rule applies to fixes as to the model', () => {
    expect(gate(['systemctl restart nginx'], ['systemctl restart'], policy({ deny: ['systemctl restart nginx'] })).blocker).toMatchObject({ verdict: 'deny', rule: 'config:policy.deny[0]' });
  });

  test('pre-authorisation counts like a policy.allow rule: it lifts what standard mode asks about by default, not a built-in rule', () => {
    expect(gate(['/opt/fix/fix-it'], []).blocker).toMatchObject({ verdict: 'confirm', rule: 'default:confirm:unlisted-program' });
    expect(gate(['/opt/fix/fix-it'], ['fix-it']).run).toBe(true);
    // As for the model, an allow rule outranks read-only mode's default refusal.
    expect(gate(['systemctl restart nginx'], ['systemctl restart'], policy({ mode: 'read-only' })).run).toBe(true);
    expect(gate(['systemctl stop nginx'], ['systemctl'], policy({ mode: 'read-only' })).blocker).toMatchObject({ verdict: 'deny', rule: 'mode:read-only' });
  });

  test('one bad command stops the whole fix, and a deny is reported before a confirmation', () => {
    const g = gate(['systemctl restart nginx', 'systemctl stop nginx', 'rm -rf /etc'], ['systemctl', 'rm']);
    expect(g.run).toBe(false);
    expect(g.steps.map((s) => s.verdict)).toEqual(['run', 'confirm', 'deny']);
    expect(g.blocker!.verdict).toBe('deny');
  });

  test('quoting and empty commands are refused; no commands is no run', () => {
    expect(gate(["systemctl restart 'a b'"], ['systemctl']).blocker).toMatchObject({ verdict: 'unparsable' });
    expect(gate([], ['systemctl']).run).toBe(false);
  });

  test('a policy that throws counts as a deny', () => {
    const decide = (): CommandDecision => {
      throw new Error('boom');
    };
    expect(gateFix(['systemctl restart x'], { policy: policy(), ctx: CTX, preAuthorised: ['systemctl'], decide })).toMatchObject({
      run: false,
      blocker: { verdict: 'deny', rule: 'policy-error' },
    });
  });

  test('the decision gets the argv, the cwd / and the suite context', () => {
    const seen: unknown[] = [];
    const decide = (input: { argv: string[]; cwd: string }, _p: unknown, ctx: unknown): CommandDecision => {
      seen.push({ input, ctx });
      return { action: 'allow', rule: 'fake', reason: 'fake', commands: [input.argv] };
    };
    gateFix(['systemctl restart x'], { policy: policy(), ctx: CTX, preAuthorised: ['systemctl'], decide });
    expect(seen).toEqual([{ input: { argv: ['systemctl', 'restart', 'x'], cwd: '/' }, ctx: CTX }]);
  });
});

describe('splitCommand', () => {
  test('argv from whitespace; quoting refused', () => {
    expect(splitCommand(' systemctl  restart nginx.service ')).toEqual(['systemctl', 'restart', 'nginx.service']);
    expect(() => splitCommand("systemctl restart 'a b'")).toThrow(/quoting/);
    expect(() => splitCommand('  ')).toThrow(/empty/);
  });
});
