import { describe, test, expect } from '@jest/globals';
import { decideCommand, PolicyConfigSchema, type PolicyConfig } from '@ldm/core';
import { DANGEROUS, EVERYDAY, CTX } from './corpus';

const policy = (over: Partial<Record<keyof PolicyConfig, unknown>> = {}): PolicyConfig => PolicyConfigSchema.parse(over);
const standard = policy();
const readOnly = policy({ mode: 'read-only' });
const unrestricted = policy({ mode: 'unrestricted' });

describe('dangerous corpus (standard mode)', () => {
  test('has at least 60 entries', () => {
    expect(DANGEROUS.length).toBeGreaterThanOrEqual(60);
    expect(DANGEROUS.filter((c) => c.action === 'deny').length).toBeGreaterThanOrEqual(60);
  });
  test.each(DANGEROUS.map((c) => [c.command, c.action, c.rule] as const))('%j -> %s (%s)', (command, action, rule) => {
    const d = decideCommand({ command }, standard, CTX);
    expect({ action: d.action, rule: d.rule }).toEqual({ action, rule });
    expect(d.reason.length).toBeGreaterThan(10);
  });
  test.each(DANGEROUS.filter((c) => c.action === 'deny').map((c) => [c.command] as const))('%j is still refused in read-only mode', (command) => {
    expect(decideCommand({ command }, readOnly, CTX).action).toBe('deny');
  });
  // Unrestricted drops confirmations, never the deny list.
  test.each(DANGEROUS.filter((c) => c.action === 'deny' && !c.rule.startsWith('default:')).map((c) => [c.command] as const))('%j is still refused in unrestricted mode', (command) => {
    expect(decideCommand({ command }, unrestricted, CTX).action).toBe('deny');
  });
});

describe('everyday corpus', () => {
  test('has at least 60 entries, most of them read-only', () => {
    expect(EVERYDAY.length).toBeGreaterThanOrEqual(60);
    expect(EVERYDAY.filter((c) => c.readOnly).length).toBeGreaterThanOrEqual(60);
  });
  test.each(EVERYDAY.map((c) => [c.command] as const))('%j is allowed in standard mode', (command) => {
    const d = decideCommand({ command }, standard, CTX);
    expect([d.action, d.rule, d.reason]).toEqual(['allow', expect.any(String), expect.any(String)]);
  });
  test.each(EVERYDAY.filter((c) => c.readOnly).map((c) => [c.command] as const))('%j is allowed in read-only mode', (command) => {
    expect(decideCommand({ command }, readOnly, CTX)).toMatchObject({ action: 'allow', rule: 'mode:read-only' });
  });
  test.each(EVERYDAY.filter((c) => !c.readOnly).map((c) => [c.command] as const))('%j changes the system: denied in read-only mode', (command) => {
    expect(decideCommand({ command }, readOnly, CTX)).toMatchObject({ action: 'deny', rule: 'mode:read-only' });
  });
});

describe('what decideCommand reports', () => {
  test('lists every simple command, including inner ones', () => {
    const d = decideCommand({ command: "sudo sh -c 'df -h | head' && echo $(uptime)" }, standard, CTX);
    expect(d.commands).toEqual(expect.arrayContaining([['sudo', 'sh', '-c', 'df -h | head'], ['sh', '-c', 'df -h | head'], ['df', '-h'], ['head'], ['uptime'], ['echo', '$(uptime)']]));
  });
  test('an unparseable command is denied with the parse error, never run', () => {
    for (const command of ['echo "unterminated', 'ls )', 'a && ', '| grep x', "echo $'\\q'", 'cat <<EOF\nno end', '[[ -f x ]] && rm -rf /']) {
      const d = decideCommand({ command }, standard, CTX);
      expect({ command, action: d.action, rule: d.rule }).toEqual({ command, action: 'deny', rule: 'builtin:deny:parse' });
    }
  });
  test('empty or missing input is denied', () => {
    expect(decideCommand({}, standard, CTX).action).toBe('deny');
    expect(decideCommand({ command: '   ' }, standard, CTX).action).toBe('deny');
    expect(decideCommand({ argv: [] }, standard, CTX).action).toBe('deny');
  });
  test('a NUL byte is refused', () => {
    expect(decideCommand({ command: 'ls\0; rm -rf /' }, standard, CTX).action).toBe('deny');
    expect(decideCommand({ argv: ['ls', 'a\0b'] }, standard, CTX).action).toBe('deny');
  });
});

describe('argv (exec vector, no shell)', () => {
  test('the inner script of sh -c is parsed and checked', () => {
    expect(decideCommand({ argv: ['sh', '-c', 'rm -rf /'] }, standard, CTX)).toMatchObject({ action: 'deny', rule: 'builtin:deny:rm-root' });
    expect(decideCommand({ argv: ['/usr/bin/sudo', 'bash', '-c', 'systemctl stop ldm-healthcheck'] }, standard, CTX)).toMatchObject({ action: 'deny', rule: 'builtin:deny:suite-unit' });
  });
  test('argv words are literal: no globbing, no expansion', () => {
    // Without a shell, "/*" is a file literally named "*" and $X is literal text.
    expect(decideCommand({ argv: ['rm', '-rf', '/'] }, standard, CTX).action).toBe('deny');
    expect(decideCommand({ argv: ['echo', '$(rm -rf /)'] }, standard, CTX).action).toBe('allow');
    expect(decideCommand({ argv: ['ls', '-la', '/var/log'] }, standard, CTX).action).toBe('allow');
  });
  test('both command and argv: the stricter wins', () => {
    expect(decideCommand({ command: 'ls', argv: ['reboot'] }, standard, CTX).action).toBe('deny');
  });
});

describe('config rules and precedence', () => {
  test('config deny blocks a command that is otherwise allowed, through wrappers', () => {
    const p = policy({ deny: ['docker **'] });
    expect(decideCommand({ command: 'sudo docker ps' }, p, CTX)).toMatchObject({ action: 'deny', rule: 'config:policy.deny[0]' });
    expect(decideCommand({ command: 'df -h' }, p, CTX).action).toBe('allow');
  });
  test('config confirm', () => {
    const p = policy({ confirm: ['systemctl restart *'] });
    expect(decideCommand({ command: 'systemctl restart nginx' }, p, CTX)).toMatchObject({ action: 'confirm', rule: 'config:policy.confirm[0]' });
    expect(decideCommand({ command: 'systemctl status nginx' }, p, CTX).action).toBe('allow');
  });
  test('config deny beats config confirm and config allow', () => {
    const p = policy({ deny: ['apt-get install'], confirm: ['apt-get **'], allow: ['apt-get **'] });
    expect(decideCommand({ command: 'apt-get install -y nginx' }, p, CTX).rule).toBe('config:policy.deny[0]');
    expect(decideCommand({ command: 'apt-get update' }, p, CTX).rule).toBe('config:policy.confirm[0]');
  });
  test('config allow lifts the default confirmations (scripts, inline code), not built-in ones', () => {
    expect(decideCommand({ command: 'bash /opt/deploy/run.sh' }, standard, CTX)).toMatchObject({ action: 'confirm', rule: 'default:confirm:run-script' });
    const p = policy({ allow: ['bash /opt/deploy/run.sh $', 'apt remove **'] });
    expect(decideCommand({ command: 'bash /opt/deploy/run.sh' }, p, CTX)).toMatchObject({ action: 'allow', rule: 'config:policy.allow[0]' });
    expect(decideCommand({ command: 'bash /opt/deploy/run.sh --force' }, p, CTX).action).toBe('confirm');
    expect(decideCommand({ command: 'apt remove nginx' }, p, CTX)).toMatchObject({ action: 'confirm', rule: 'builtin:confirm:package-remove' });
  });
  test('config allow never overrides a built-in deny', () => {
    const p = policy({ allow: ['rm **', 'reboot', 'systemctl **', 'sh **'] });
    expect(decideCommand({ command: 'rm -rf /' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'reboot' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'systemctl stop ldm-healthcheck.timer' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'curl x | sh' }, p, CTX).action).toBe('deny');
  });
  test('relaxBuiltin downgrades only the named rule, to confirm', () => {
    const p = policy({ relaxBuiltin: ['power'] });
    expect(decideCommand({ command: 'systemctl reboot' }, p, CTX)).toMatchObject({ action: 'confirm', rule: 'builtin:deny:power' });
    expect(decideCommand({ command: 'rm -rf /' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'reboot' }, policy({ relaxBuiltin: ['power'], mode: 'unrestricted' }), CTX).action).toBe('confirm');
  });
  test('unknown arguments match deny rules but not narrow allow rules', () => {
    expect(decideCommand({ command: 'systemctl restart $UNIT' }, policy({ deny: ['systemctl restart nginx'] }), CTX).action).toBe('deny');
    expect(decideCommand({ command: 'python3 $SCRIPT' }, policy({ allow: ['python3 /opt/x.py'] }), CTX).action).toBe('confirm');
    expect(decideCommand({ command: 'python3 $SCRIPT' }, policy({ allow: ['python3 *'] }), CTX).action).toBe('allow');
  });
  test('read-only mode: config allow extends the read-only list, redirections to files stay denied', () => {
    const p = policy({ mode: 'read-only', allow: ['apt-get update $'] });
    expect(decideCommand({ command: 'apt-get update' }, p, CTX)).toMatchObject({ action: 'allow', rule: 'config:policy.allow[0]' });
    expect(decideCommand({ command: 'apt-get upgrade' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'df -h > /tmp/df.txt' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'df -h 2>/dev/null 2>&1' }, p, CTX).action).toBe('allow');
    expect(decideCommand({ command: 'find /tmp -delete' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'find /var/log -exec rm {} \\;' }, p, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'find /var/log -name "*.log" -exec wc -l {} +' }, p, CTX).action).toBe('allow');
  });
  test('unrestricted mode drops built-in confirmations but keeps those about unknowable targets', () => {
    expect(decideCommand({ command: 'apt remove nginx' }, unrestricted, CTX).action).toBe('allow');
    expect(decideCommand({ command: 'bash /tmp/x.sh' }, unrestricted, CTX).action).toBe('allow');
    expect(decideCommand({ command: 'rm -rf "$DIR"' }, unrestricted, CTX)).toMatchObject({ action: 'confirm', rule: 'builtin:confirm:rm-unknown-target' });
    expect(decideCommand({ command: 'rm -rf /' }, unrestricted, CTX).action).toBe('deny');
  });
});

describe('specific bypass forms', () => {
  const d = (command: string) => decideCommand({ command }, standard, CTX);
  test('quotes, escapes and ANSI-C quoting in the command name', () => {
    for (const c of ["'rm' -rf /", '"r"m -rf /', 'r\\m -rf /', "$'rm' -rf /", "$'\\162\\155' -rf /", 'r""m -rf /']) expect(d(c).rule).toBe('builtin:deny:rm-root');
  });
  test('line continuations and comments', () => {
    expect(d('rm \\\n -rf /').rule).toBe('builtin:deny:rm-root');
    expect(d('ls # ; rm -rf /').action).toBe('allow');
    expect(d('ls #\nrm -rf /').rule).toBe('builtin:deny:rm-root');
  });
  test('here-documents: to a shell denied, expansions inside checked', () => {
    expect(d('cat <<EOF\nhello $(rm -rf /etc)\nEOF').rule).toBe('builtin:deny:rm-root');
    expect(d("cat <<'EOF'\nhello $(rm -rf /etc)\nEOF").action).toBe('allow');
    expect(d('cat > /tmp/x <<EOF\nline\nEOF').action).toBe('allow');
    expect(d('cat > /etc/sudoers.d/x <<EOF\nALL\nEOF').rule).toBe('builtin:deny:access-control');
  });
  test('redirection spellings onto protected files', () => {
    for (const c of ['echo x >/etc/shadow', 'echo x 1>/etc/shadow', 'echo x &>/etc/shadow', 'echo x >| /etc/shadow', 'echo x <> /etc/shadow', 'echo x >>/etc/sudoers', ':> /etc/sudoers'])
      expect(d(c).action).toBe('deny');
  });
  test('cd before a relative path', () => {
    expect(d('cd /etc && echo x > shadow').action).toBe('deny');
    expect(d('cd /root/.ssh; cat k >> authorized_keys').action).toBe('deny');
  });
  test('glob and brace forms that could hit protected targets', () => {
    expect(d('rm -rf /{,}').action).toBe('deny');
    expect(d('rm -rf /[e]tc').action).toBe('deny');
    expect(d('rm -rf /???').action).toBe('deny');
    expect(d('chmod -R 777 /*').action).toBe('deny');
    expect(d('echo x > /etc/sha?ow').action).toBe('deny');
    expect(d('dd if=/dev/zero of=/dev/sd?').action).toBe('deny');
  });
  test('dangerous environment changes', () => {
    expect(d('PATH=/tmp/evil:$PATH ls').action).toBe('confirm');
    expect(d('LD_PRELOAD=/tmp/x.so ls').action).toBe('confirm');
    expect(d('export -f f').action).toBe('deny');
    expect(d('LANG=C ls').action).toBe('allow');
  });
  test('wrappers that run commands this policy cannot see are refused', () => {
    expect(d('parallel rm ::: a b').action).toBe('deny');
    expect(d('sudo -i').rule).toBe('builtin:deny:shell-stdin');
    expect(d('su').rule).toBe('builtin:deny:shell-stdin');
    expect(d('xargs -I{} sh -c "rm -rf {}"').action).toBe('deny');
  });
  test('the suite protection sees through spellings', () => {
    expect(d('systemctl --no-block stop ldm-healthcheck.service').action).toBe('deny');
    expect(d('systemctl stop ldm-mcp-server.service nginx').action).toBe('deny');
    expect(d('systemctl stop "$U"').action).toBe('confirm');
    expect(d('systemctl restart ldm-healthcheck').action).toBe('confirm');
    expect(d('ln -sf /dev/null /etc/systemd/system/ldm-healthcheck.timer').action).toBe('deny');
    expect(d('rm -f /etc/systemd/system/ldm-healthcheck.service').action).toBe('deny');
    expect(d('echo "policy: {}" >> /etc/ldm/other.yaml').action).toBe('deny');
    expect(d('chmod 777 /var/lib/ldm/state.json').action).toBe('deny');
    expect(d('cat /etc/ldm/config.json').action).toBe('allow');
  });
});

describe('robustness', () => {
  test('random shell-like input never throws and always yields a decision', () => {
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const atoms = ['rm', ' ', '-rf', '/', '$(', ')', '`', "'", '"', '\\', '\n', ';', '&&', '|', '<', '>', '<(', '{', '}', ',', '*', '?', '[', ']', '$X', '${', 'sh -c ', 'sudo ', 'xargs ', 'find ', '-exec ', '\\;', '~', '..', '<<EOF\n', 'EOF\n', "$'", '\\x72', '=', 'IFS', '#', '(', '!', 'etc', 'ldm-*', 'systemctl stop ', '$((', '))', 'for x in ', 'do ', 'done'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const len = 1 + Math.floor(rnd() * 16);
      for (let k = 0; k < len; k++) s += atoms[Math.floor(rnd() * atoms.length)];
      const d = decideCommand({ command: s }, standard, CTX);
      expect(['allow', 'deny', 'confirm']).toContain(d.action);
      // Nothing that reaches "rm -r /" through any spelling may be allowed.
      if (d.commands.some((c) => c[0] === 'rm' && c.includes('-rf') && c.includes('/'))) expect(d.action).not.toBe('allow');
    }
  });
  test('hostile patterns are decided without backtracking blow-ups, and refused', () => {
    expect(decideCommand({ command: "pkill -f '(.*.*)*x'" }, standard, CTX).rule).toBe('builtin:deny:suite-process');
    expect(decideCommand({ command: "pkill -f '.*.*.*.*.*.*.*.*x'" }, standard, CTX).rule).toBe('builtin:deny:suite-process');
    expect(decideCommand({ command: 'rm -rf /' + '*a'.repeat(3000) }, standard, CTX).action).toBe('deny');
    expect(decideCommand({ command: "systemctl stop '" + '*a'.repeat(3000) + "'" }, standard, CTX).action).toBe('deny');
    expect(decideCommand({ command: 'echo ' + '{a,b}'.repeat(20) }, standard, CTX).rule).toBe('builtin:deny:parse');
    expect(decideCommand({ command: 'ls; '.repeat(15_000) }, standard, CTX).action).toBe('allow');
  });
});

describe('cwd', () => {
  test('relative paths are checked against the cwd the caller gives', () => {
    expect(decideCommand({ command: 'rm -rf *', cwd: '/' }, standard, CTX).rule).toBe('builtin:deny:rm-root');
    expect(decideCommand({ command: 'echo x > shadow', cwd: '/etc' }, standard, CTX).rule).toBe('builtin:deny:access-control');
    expect(decideCommand({ argv: ['rm', '-rf', '.'], cwd: '/usr' }, standard, CTX).rule).toBe('builtin:deny:rm-root');
    expect(decideCommand({ command: 'rm -rf build', cwd: '/srv/app' }, standard, CTX).rule).toBe('builtin:confirm:rm-recursive');
    expect(decideCommand({ command: 'ls -la', cwd: '/etc' }, standard, CTX).action).toBe('allow');
  });
  test('without a cwd, relative paths could be anywhere', () => {
    expect(decideCommand({ command: 'rm -rf *' }, standard, CTX).rule).toBe('builtin:confirm:rm-unknown-target');
    expect(decideCommand({ command: 'echo x > shadow' }, standard, CTX).action).toBe('confirm');
  });
  test('a relative or malformed cwd is refused', () => {
    expect(decideCommand({ command: 'ls', cwd: 'tmp' }, standard, CTX).action).toBe('deny');
  });
});

describe('wrappers that move the working directory', () => {
  test('env -C, sudo --chdir and friends make relative targets unknown', () => {
    expect(decideCommand({ command: 'rm -rf *', cwd: '/srv/app' }, standard, CTX).rule).toBe('builtin:confirm:rm-recursive');
    expect(decideCommand({ command: 'env -C / rm -rf *', cwd: '/srv/app' }, standard, CTX).rule).toBe('builtin:confirm:rm-unknown-target');
    expect(decideCommand({ command: 'env --chdir=/ rm -rf *', cwd: '/srv/app' }, standard, CTX).rule).toBe('builtin:confirm:rm-unknown-target');
    expect(decideCommand({ command: 'sudo --chd=/etc rm -f shadow', cwd: '/tmp' }, standard, CTX).action).toBe('confirm');
    expect(decideCommand({ command: 'rm -f shadow', cwd: '/tmp' }, standard, CTX).action).toBe('allow');
  });
});

describe('tilde and directory tricks: targets the text cannot fix are unknown, never harmless', () => {
  const d = (command: string, cwd = '/srv/app') => decideCommand({ command, cwd }, standard, CTX);
  test('~+, ~-, ~user and .. after them', () => {
    for (const c of ['rm -rf ~+', 'rm -rf ~-', 'rm -rf ~bin', 'rm -rf ~root/..', 'rm -rf ~nobody/../etc'])
      expect({ c, rule: d(c).rule }).toEqual({ c, rule: 'builtin:confirm:rm-unknown-target' });
    expect(d('echo x > ~daemon/../shadow').action).toBe('confirm');
    // Plain ~ is still root's or a user's home, as before.
    expect(d('rm -rf ~').rule).toBe('builtin:deny:rm-root');
    expect(d('ls ~+ ~-').action).toBe('allow');
    // A quoted character in the prefix stops tilde expansion: a literal relative name.
    expect(d("rm -rf ~'root'").rule).toBe('builtin:confirm:rm-recursive');
  });
  test('cd options, CDPATH, HOME/PWD/OLDPWD assignments', () => {
    expect(d('cd build && rm -rf *').rule).toBe('builtin:confirm:rm-recursive');
    for (const c of ['cd -P build && rm -rf *', 'cd -L build && rm -rf *', 'CDPATH=/ cd etc && rm -rf *', 'export CDPATH=/; cd etc; rm -rf *', 'HOME=/etc; cd ~ && rm -rf *', 'HOME=/ rm -rf ~', 'read HOME < /tmp/h; rm -rf ~', 'OLDPWD=/ cd - && rm -rf *', 'builtin cd / && rm -rf *'])
      expect({ c, action: d(c).action }).toEqual({ c, action: expect.stringMatching(/confirm|deny/) });
    expect(d('HOME=/etc; cd ~ && echo x > shadow').action).not.toBe('allow');
    expect(d('command cd /etc && echo x > shadow').rule).toBe('builtin:deny:access-control');
  });
});

describe('scripts fed to a shell on stdin by the line itself are checked', () => {
  const d = (command: string) => decideCommand({ command }, standard, CTX);
  test('a literal here-document or here-string is parsed like sh -c', () => {
    expect(d("bash <<'EOF'\ndf -h\nfree -m\nEOF").action).toBe('allow');
    expect(d('sh <<< "uptime"').action).toBe('allow');
    expect(d("bash <<'EOF'\ndf -h\nrm -rf /usr\nEOF").rule).toBe('builtin:deny:rm-root');
    expect(d('cat /tmp/x | bash <<EOF\nrm -rf /\nEOF').rule).toBe('builtin:deny:rm-root');
  });
  test('expansions, pipes and files stay unknown', () => {
    expect(d('bash <<EOF\n$(cat /tmp/x)\nEOF').rule).toBe('builtin:deny:dynamic-script');
    expect(d('bash <<< "$X"').rule).toBe('builtin:deny:dynamic-script');
    expect(d('bash < /tmp/x.sh').rule).toBe('builtin:deny:dynamic-script');
    expect(d('python3 <<EOF\nprint(1)\nEOF').rule).toBe('default:confirm:inline-code');
  });
});

describe('read-only mode sees abbreviated and clustered options', () => {
  test.each(['curl --out /tmp/x http://x', 'curl --outp=/tmp/x http://x', 'sysctl --lo', 'sysctl -p', 'date -s 2020-01-01', 'date --se=2020-01-01', 'sort -o /tmp/x /etc/hosts', 'sort --out=/tmp/x /etc/hosts', 'journalctl --vac=1M', 'journalctl --rot', 'dmesg --cl', 'sed --in-pl s/a/b/ /tmp/x'])('%j is refused', (command) => {
    expect(decideCommand({ command }, readOnly, CTX).action).toBe('deny');
  });
});
