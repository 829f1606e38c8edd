import { describe, test, expect } from '@jest/globals';
import { decidePath, isPathWithin, isCanonicalPath, pathPatternMatches, PolicyConfigSchema, type PolicyConfig } from '@ldm/core';
import { CTX } from './corpus';

const policy = (over: Record<string, unknown> = {}): PolicyConfig => PolicyConfigSchema.parse(over);
const std = policy();

describe('isPathWithin', () => {
  test('compares whole segments (no prefix bug)', () => {
    expect(isPathWithin('/var/lib/app', '/var/lib/app')).toBe(true);
    expect(isPathWithin('/var/lib/app/x', '/var/lib/app')).toBe(true);
    expect(isPathWithin('/var/lib/app-evil', '/var/lib/app')).toBe(false);
    expect(isPathWithin('/var/lib/app-evil/x', '/var/lib/app')).toBe(false);
    expect(isPathWithin('/var/lib/apparmor', '/var/lib/app')).toBe(false);
    expect(isPathWithin('/anything', '/')).toBe(true);
    expect(isPathWithin('/var/lib/app/x', '/var/lib/app/')).toBe(true);
  });
  test('canonical paths only', () => {
    for (const p of ['/', '/etc', '/var/lib/app']) expect(isCanonicalPath(p)).toBe(true);
    for (const p of ['', 'etc', './etc', '/etc/', '//etc', '/etc/../root', '/etc/./x', '/etc\0/x', '~/.ssh']) expect(isCanonicalPath(p)).toBe(false);
  });
  test('config patterns: plain paths cover subtrees, globs match segments', () => {
    expect(pathPatternMatches('/srv/www', '/srv/www/site/index.html')).toBe(true);
    expect(pathPatternMatches('/srv/www', '/srv/www2')).toBe(false);
    expect(pathPatternMatches('/home/*/.cache', '/home/bob/.cache/x')).toBe(true);
    expect(pathPatternMatches('/home/*/.cache', '/home/bob/sub/.cache')).toBe(false);
    expect(pathPatternMatches('/home/**/.env', '/home/bob/app/.env')).toBe(true);
  });
});

describe('decidePath built-in rules', () => {
  const cases: [string, 'read' | 'write' | 'list', 'allow' | 'deny' | 'confirm', string][] = [
    ['/etc/shadow', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/gshadow', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/ssh/ssh_host_ed25519_key', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/ssh/ssh_host_ed25519_key.pub', 'read', 'allow', 'default'],
    ['/root/.ssh/id_rsa', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/home/bob/.ssh/id_ed25519', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/home/bob/.ssh/id_ed25519.pub', 'read', 'allow', 'default'],
    ['/etc/ssl/private/site.key', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/ssl/private', 'list', 'allow', 'default'],
    ['/etc/ssl/private', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/letsencrypt/live/example.com/privkey.pem', 'read', 'deny', 'builtin:deny:secret-file'],
    ['/etc/letsencrypt/live/example.com/fullchain.pem', 'read', 'allow', 'default'],
    ['/etc/ldm/config.json', 'read', 'allow', 'default'],
    ['/etc/ldm/config.json', 'write', 'deny', 'builtin:deny:suite-files'],
    ['/etc/ldm/config.json.new', 'write', 'deny', 'builtin:deny:suite-files'],
    ['/var/lib/ldm/state.json', 'write', 'deny', 'builtin:deny:suite-files'],
    ['/var/lib/ldm/state.json', 'read', 'allow', 'default'],
    ['/etc/systemd/system/ldm-healthcheck.timer', 'write', 'deny', 'builtin:deny:suite-files'],
    ['/etc/systemd/system/ldm-healthcheck.service.d/override.conf', 'write', 'deny', 'builtin:deny:suite-files'],
    ['/etc/systemd/system/nginx.service.d/override.conf', 'write', 'confirm', 'builtin:confirm:system-write'],
    ['/etc/sudoers', 'write', 'deny', 'builtin:deny:access-control'],
    ['/etc/sudoers.d/90-bob', 'write', 'deny', 'builtin:deny:access-control'],
    ['/etc/sudoers', 'read', 'allow', 'default'],
    ['/home/bob/.ssh/authorized_keys', 'write', 'deny', 'builtin:deny:access-control'],
    ['/srv/anything/authorized_keys', 'write', 'deny', 'builtin:deny:access-control'],
    ['/etc/hosts', 'write', 'confirm', 'builtin:confirm:system-write'],
    ['/etc/nginx/nginx.conf', 'write', 'confirm', 'builtin:confirm:system-write'],
    ['/usr/local/bin/tool', 'write', 'confirm', 'builtin:confirm:system-write'],
    ['/proc/sys/vm/swappiness', 'write', 'deny', 'builtin:deny:kernel-interface'],
    ['/sys/class/leds/x/brightness', 'write', 'deny', 'builtin:deny:kernel-interface'],
    ['/dev/sda', 'write', 'deny', 'builtin:deny:kernel-interface'],
    ['/proc/meminfo', 'read', 'allow', 'default'],
    ['/var/www/html/index.html', 'write', 'allow', 'default'],
    ['/root/.bashrc', 'write', 'confirm', 'builtin:confirm:startup-file'],
    ['/home/bob/.profile', 'write', 'confirm', 'builtin:confirm:startup-file'],
    ['/home/bob/.ssh/config', 'write', 'confirm', 'builtin:confirm:startup-file'],
    ['/root/.bashrc', 'read', 'allow', 'default'],
    ['/tmp/x', 'write', 'allow', 'default'],
  ];
  test.each(cases)('%s %s -> %s (%s)', (p, op, action, rule) => {
    const d = decidePath(p, op, std, CTX);
    expect({ action: d.action, rule: d.rule, path: d.path }).toEqual({ action, rule, path: p });
  });
  test('non-canonical input is refused: callers must resolve first', () => {
    for (const p of ['relative/x', '/etc/../etc/shadow', '/tmp//x', '/tmp/x/', '/tmp/\0x', '']) expect(decidePath(p, 'read', std, CTX)).toMatchObject({ action: 'deny', rule: 'builtin:deny:unresolved-path' });
  });
});

describe('decidePath config and modes', () => {
  test('paths.allow confines the file tools without the prefix bug', () => {
    const p = policy({ paths: { allow: ['/var/lib/app', '/srv/*/public'] } });
    expect(decidePath('/var/lib/app/data.db', 'write', p, CTX).action).toBe('allow');
    expect(decidePath('/var/lib/app-evil/data.db', 'write', p, CTX)).toMatchObject({ action: 'deny', rule: 'config:policy.paths.allow' });
    expect(decidePath('/srv/site/public/index.html', 'read', p, CTX).action).toBe('allow');
    expect(decidePath('/srv/site/private/x', 'read', p, CTX).action).toBe('deny');
    // Listing the parents of an allowed directory shows only names, and is needed to get there.
    expect(decidePath('/var/lib', 'list', p, CTX).action).toBe('allow');
    expect(decidePath('/var/lib', 'read', p, CTX).action).toBe('deny');
  });
  test('paths.deny wins over paths.allow; confirmWrite asks', () => {
    const p = policy({ paths: { allow: ['/srv'], deny: ['/srv/**/.env'], confirmWrite: ['/srv/prod'] } });
    expect(decidePath('/srv/app/.env', 'read', p, CTX)).toMatchObject({ action: 'deny', rule: 'config:policy.paths.deny[0]' });
    expect(decidePath('/srv/prod/app.conf', 'write', p, CTX)).toMatchObject({ action: 'confirm', rule: 'config:policy.paths.confirmWrite[0]' });
    expect(decidePath('/srv/prod/app.conf', 'read', p, CTX).action).toBe('allow');
  });
  test('read-only mode refuses every write; built-in denies hold in every mode', () => {
    const ro = policy({ mode: 'read-only' });
    expect(decidePath('/tmp/x', 'write', ro, CTX)).toMatchObject({ action: 'deny', rule: 'mode:read-only' });
    expect(decidePath('/tmp/x', 'read', ro, CTX).action).toBe('allow');
    const un = policy({ mode: 'unrestricted' });
    expect(decidePath('/etc/hosts', 'write', un, CTX).action).toBe('allow');
    expect(decidePath('/etc/shadow', 'read', un, CTX).action).toBe('deny');
    expect(decidePath('/etc/ldm/config.json', 'write', un, CTX).action).toBe('deny');
  });
});
