import { describe, test, expect } from '@jest/globals';
import { decideHostCommand, PolicyConfigSchema } from '@ldm/core';
import { CTX } from './corpus';

const policy = (p: Record<string, unknown> = {}) => PolicyConfigSchema.parse(p);

describe('decideHostCommand (run_command host: true)', () => {
  test('needs the human for anything, even a read the sandbox would have allowed', () => {
    for (const command of ['df -h', 'systemctl restart nginx', 'apt-get install -y jq']) {
      const d = decideHostCommand({ command, cwd: '/' }, policy(), CTX);
      expect({ command, action: d.action }).toEqual({ command, action: 'confirm' });
    }
  });

  test('the built-in deny list and policy.deny still refuse', () => {
    expect(decideHostCommand({ command: 'rm -rf /', cwd: '/' }, policy(), CTX).action).toBe('deny');
    expect(decideHostCommand({ command: 'cat /etc/shadow' }, policy({ mode: 'unrestricted' }), CTX).action).toBe('deny');
    expect(decideHostCommand({ argv: ['reboot'] }, policy({ deny: ['reboot'], allow: ['reboot'] }), CTX).action).toBe('deny');
  });

  test('read-only mode refuses every host command', () => {
    expect(decideHostCommand({ command: 'df' }, policy({ mode: 'read-only' }), CTX)).toMatchObject({ action: 'deny', rule: 'mode:read-only' });
  });

  test('unrestricted mode needs no approval for what the parser allows', () => {
    expect(decideHostCommand({ command: 'systemctl restart nginx' }, policy({ mode: 'unrestricted' }), CTX).action).toBe('allow');
  });

  test("the human's allow rules pre-authorise a host command only when they cover every command in it", () => {
    const p = policy({ allow: ['systemctl restart nginx $', 'journalctl **'] });
    expect(decideHostCommand({ command: 'systemctl restart nginx' }, p, CTX)).toMatchObject({ action: 'allow', rule: 'config:policy.allow[0]' });
    expect(decideHostCommand({ command: 'systemctl restart nginx && journalctl -u nginx -n 5' }, p, CTX).action).toBe('allow');
    expect(decideHostCommand({ command: 'systemctl restart nginx; touch /etc/x' }, p, CTX).action).toBe('confirm');
    expect(decideHostCommand({ command: 'systemctl restart nginx postgresql' }, p, CTX).action).toBe('confirm');
    expect(decideHostCommand({ command: 'systemctl restart $UNIT' }, policy({ allow: ['systemctl restart nginx'] }), CTX).action).toBe('confirm');
    expect(decideHostCommand({ command: 'sudo systemctl restart nginx' }, p, CTX).action).toBe('confirm');
  });

  test('a redirection that writes a file is not covered by a rule naming the program', () => {
    const p = policy({ allow: ['echo **'] });
    expect(decideHostCommand({ command: 'echo hi' }, p, CTX).action).toBe('allow');
    expect(decideHostCommand({ command: 'echo hi > /etc/motd' }, p, CTX).action).toBe('confirm');
    expect(decideHostCommand({ command: 'echo hi > /dev/null' }, p, CTX).action).toBe('allow');
  });
});
