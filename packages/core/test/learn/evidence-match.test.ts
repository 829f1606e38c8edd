import { describe, expect, test } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, IncidentEngine, isOutcomeLine } from '@ldm/core';

async function engineAt() {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-evidence-'));
  const store = new DocumentStore({ stateDir: dir });
  return { store, engine: new IncidentEngine(store, { now: () => new Date('2026-03-01T10:00:00Z') }) };
}

const BIND = 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)';
const FIX = { resolution: 'stopped apache2, which held port 80', commands: ['systemctl stop apache2', 'systemctl restart nginx'] };

describe('an incident is found again from the line the host logs (issue #15)', () => {
  test('recorded with the model\'s own summary, found from the exact nginx line, with or without a subject', async () => {
    const { engine } = await engineAt();
    const r = await engine.record({
      source: 'mcp', severity: 'crit', subject: 'nginx.service',
      summary: 'nginx failed to start: bind() to 0.0.0.0:80 failed (98: …)',
      evidence: ['2026-03-01T09:59:58+0000 web-1 systemd[1]: nginx.service: Control process exited, code=exited, status=1/FAILURE', `2026-03-01T09:59:58+0000 web-1 nginx[812]: ${BIND}`],
    });
    await engine.resolve({ id: r.incident.id, ...FIX, worked: true });
    for (const subject of [undefined, 'nginx.service', 'nginx']) {
      const [fix] = await engine.findKnownFixes(BIND, subject);
      expect(fix).toMatchObject({ patternId: r.pattern.id, commands: FIX.commands });
    }
    // Another address and a journal header: still the same event.
    const [other] = await engine.findKnownFixes('Nov 24 04:00:01 db-2 nginx[4411]: nginx: [emerg] bind() to [::]:8080 failed (98: Address already in use)');
    expect(other?.commands).toEqual(FIX.commands);
  });

  test('a near miss is not offered: the same line from another unit, or the unit\'s outcome line alone', async () => {
    const { engine } = await engineAt();
    const r = await engine.record({ source: 'mcp', severity: 'crit', subject: 'nginx.service', summary: 'nginx down', evidence: [BIND, 'nginx.service: Failed with result \'exit-code\'.'] });
    await engine.resolve({ id: r.incident.id, ...FIX, worked: true });
    expect(await engine.findKnownFixes(BIND, 'apache2.service')).toEqual([]);
    // Every cause of nginx failing ends in this line: it cannot say which fix applies.
    expect(await engine.findKnownFixes('nginx.service: Failed with result \'exit-code\'.', 'nginx.service')).toEqual([]);
  });

  test('two causes of one unit\'s failure with the same summary keep their own fixes', async () => {
    const { engine } = await engineAt();
    const summary = 'nginx.service: Control process exited, code=exited, status=1/FAILURE';
    const config = await engine.record({ source: 'healthcheck', severity: 'crit', subject: 'nginx.service', summary, evidence: ['nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/sites-enabled/app.conf:12'] });
    await engine.resolve({ id: config.incident.id, resolution: 'fixed the typo', commands: ['sed -i s/proxy_pas /proxy_pass /'], worked: true });
    const port = await engine.record({ source: 'healthcheck', severity: 'crit', subject: 'nginx.service', summary, evidence: [BIND] });
    expect(port.pattern.id).not.toBe(config.pattern.id);
    expect(port.suggestion).toBeNull();
    await engine.resolve({ id: port.incident.id, ...FIX, worked: true });
    const again = await engine.record({ source: 'healthcheck', severity: 'crit', subject: 'nginx.service', summary, evidence: [BIND.replace('0.0.0.0:80', '10.0.0.4:443')] });
    expect(again.suggestion?.commands).toEqual(FIX.commands);
  });
});

test('outcome lines are the service manager\'s: by ident or by a unit-name prefix', () => {
  expect(isOutcomeLine("nginx.service: Failed with result 'oom-kill'.")).toBe(true);
  expect(isOutcomeLine('2026-03-01T09:59:58+0000 web-1 systemd[1]: Failed to start nginx.service - A high performance web server.')).toBe(true);
  expect(isOutcomeLine(`2026-03-01T09:59:58+0000 web-1 nginx[812]: ${BIND}`)).toBe(false);
  expect(isOutcomeLine('Out of memory: Killed process 812 (node)')).toBe(false);
});
