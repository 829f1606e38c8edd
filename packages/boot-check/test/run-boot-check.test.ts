import { describe, expect, test } from '@jest/globals';
import { DocumentStore, IncidentEngine, parseConfig, silentLogger, type CommandResult, type HostFacts } from '@ldm/core';
import { runBootCheck, type BootCheckDeps } from '../src/run-boot-check';
import { renderText } from '../src/render';
import { BOOT_A, BOOT_B, fakeDeps, ok, tmpDir, writeProc } from '../../core/test/checks/proc-fixture';

const T0 = new Date('2026-11-24T12:00:00Z');
const j = (fields: Record<string, unknown>, i: number) => JSON.stringify({ __CURSOR: `c${i}`, PRIORITY: '3', ...fields });

const ERRORS = [
  j({ MESSAGE: 'connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5', SYSLOG_IDENTIFIER: 'nginx', _SYSTEMD_UNIT: 'nginx.service' }, 1),
  j({ MESSAGE: 'connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9', SYSLOG_IDENTIFIER: 'nginx', _SYSTEMD_UNIT: 'nginx.service' }, 2),
  j({ MESSAGE: 'Failed to start postgresql.service - PostgreSQL.', SYSLOG_IDENTIFIER: 'systemd', _SYSTEMD_UNIT: 'init.scope', UNIT: 'postgresql.service' }, 3),
].join('\n');
const KERNEL = [
  j({ MESSAGE: 'Out of memory: Killed process 812 (mysqld) total-vm:1745932kB', _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', PRIORITY: '3' }, 4),
  j({ MESSAGE: 'eth0: link up', _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', PRIORITY: '6' }, 5),
].join('\n');
const UNCLEAN_TAIL = 'Started session 5 of user ubuntu.\nnginx: worker process exited on signal 9\n';
const CLEAN_TAIL = 'Stopping nginx.service...\nReached target System Reboot.\nJournal stopped\n';

interface Answers {
  tail?: CommandResult;
  units?: Record<string, string>;
}

function journalAndSystemd(calls: string[][], answers: Answers) {
  return async (argv: string[]): Promise<CommandResult> => {
    calls.push(argv);
    const args = argv.join(' ');
    if (args.startsWith('journalctl -b -1') && args.includes('-n 40')) return answers.tail ?? ok(UNCLEAN_TAIL);
    if (args.startsWith('journalctl -b -1') && args.includes('-p err')) return ok(ERRORS);
    if (args.startsWith('journalctl -b -1') && args.includes(' -k ')) return ok(KERNEL);
    if (args.startsWith('journalctl -k')) return ok('-- No entries --\n');
    if (args.startsWith('journalctl -b 0')) return ok('nginx: started\n');
    if (args.startsWith('systemctl show')) return ok(answers.units?.[argv[2]!] ?? 'LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\nType=simple\n');
    if (args.startsWith('systemctl list-units')) return ok('');
    if (args.startsWith('timedatectl')) return ok('NTP=yes\nNTPSynchronized=yes\n');
    if (argv[0] === '/usr/sbin/nginx') return { stdout: '', stderr: 'nginx: [emerg] unknown directive "sever" in /etc/nginx/sites-enabled/x:3\n', exitCode: 1 };
    throw Object.assign(new Error(`spawn ${argv[0]} ENOENT`), { code: 'ENOENT' });
  };
}

const FACTS = (bootId: string, now: Date): HostFacts => ({
  bootId, gatheredAt: now.toISOString(), os: 'Ubuntu 24.04', kernel: '6.8.0', arch: 'arm64', cpuModel: 'ARM Neoverse-N1', cpuCores: 4, memTotalBytes: 24 * 2 ** 30, virtualization: 'KVM', cloud: 'Oracle Cloud',
});

async function setup(bootId: string, answers: Answers = {}, readHostFacts: BootCheckDeps['readHostFacts'] = async (id, now) => FACTS(id, now)) {
  const procRoot = await writeProc(await tmpDir(), { bootId, uptime: '95.0 90.0\n' });
  const clock = { now: T0 };
  const store = new DocumentStore({ stateDir: await tmpDir('ldm-boot-state-'), now: () => clock.now });
  const calls: string[][] = [];
  const deps: BootCheckDeps = {
    ...fakeDeps(procRoot, { runCommand: journalAndSystemd(calls, answers), now: () => clock.now, fileExists: async (p) => p === '/usr/sbin/nginx' }),
    path: '/usr/local/bin:/usr/sbin',
    readHostFacts,
  };
  const run = () => runBootCheck({ store, config: parseConfig({}, 't'), logger: silentLogger, deps });
  return { store, calls, clock, run, procRoot };
}

async function seedLastBoot(store: DocumentStore, bootId: string) {
  await store.update('state', (doc) => {
    doc.lastBoot = { bootId, previousBootId: null, rebooted: false, cleanShutdown: null, at: '2026-11-20T00:00:00Z', checked: [], found: [], open: [] };
  });
}

describe('ldm-boot-check', () => {
  test("the host's facts are gathered once per boot, and a boot check goes on without them when they cannot be had", async () => {
    const asked: string[] = [];
    const s = await setup(BOOT_A, {}, async (id, now) => (asked.push(id), FACTS(id, now)));
    await s.run();
    await s.run();
    expect(asked).toEqual([BOOT_A]);
    expect((await s.store.read('state')).hostFacts).toMatchObject({ bootId: BOOT_A, cloud: 'Oracle Cloud', cpuCores: 4 });

    const broken = await setup(BOOT_B, {}, async () => {
      throw new Error('dmidecode unavailable');
    });
    const out = await broken.run();
    expect(out.report.bootId).toBe(BOOT_B);
    expect((await broken.store.read('state')).hostFacts).toBeUndefined();
  });


  test('first run ever: no reboot to judge, no journal of a previous boot read, report written', async () => {
    const s = await setup(BOOT_A);
    const out = await s.run();
    expect(out.report).toMatchObject({ bootId: BOOT_A, rebooted: false, previousBootId: null, cleanShutdown: null, found: [] });
    expect(s.calls.some((c) => c.includes('-1'))).toBe(false);
    expect((await s.store.read('state')).lastBoot!.bootId).toBe(BOOT_A);
  });

  test('a reboot (boot id changed): unclean shutdown detected, previous-boot errors fingerprinted into one incident per problem', async () => {
    const s = await setup(BOOT_B);
    await seedLastBoot(s.store, BOOT_A);
    const out = await s.run();
    expect(out.report).toMatchObject({ bootId: BOOT_B, previousBootId: BOOT_A, rebooted: true, cleanShutdown: false });
    expect(out.status).toBe('crit');
    const found = out.report.found.map((f) => [f.subject, f.severity, f.count]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['nginx.service', 'warn', 2],
        ['postgresql.service', 'warn', 1],
        ['kernel', 'crit', 1],
        ['shutdown', 'warn', 1],
      ]),
    );
    expect(found).toHaveLength(4);
    const incidents = (await s.store.read('incidents')).incidents.filter((i) => i.source === 'boot-check');
    expect(incidents).toHaveLength(4);
    const nginx = incidents.find((i) => i.subject === 'nginx.service')!;
    expect(nginx.evidence).toEqual(expect.arrayContaining([expect.stringContaining('10.0.0.5'), expect.stringContaining('10.0.0.9'), `2 lines like this in boot ${BOOT_A}`]));
    expect(renderText(out)).toMatch(/^CRITICAL - rebooted \(UNCLEAN shutdown\), 4 problems in the previous boot/);

    // Run again in the same boot: the previous boot is not read twice, the report keeps what was found.
    s.calls.length = 0;
    const again = await s.run();
    expect(s.calls.some((c) => c.includes('-1'))).toBe(false);
    expect(again.report).toMatchObject({ rebooted: false, previousBootId: BOOT_A, cleanShutdown: false });
    expect(again.report.found).toHaveLength(4);
    // Not re-read: no count went up from the journal. nginx's learned config test (nginx -t) fails in
    // this fixture, and that lands on the open nginx incident of the same pattern.
    const counts = Object.fromEntries((await s.store.read('incidents')).incidents.filter((i) => i.source === 'boot-check').map((i) => [i.subject, i.count]));
    expect(counts).toEqual({ 'nginx.service': 2, 'postgresql.service': 1, kernel: 1, shutdown: 1 });
    expect(again.report.checked.find((c) => c.id === 'config-test:nginx -t')).toMatchObject({ status: 'warn' });
  });

  test('a clean shutdown is recognised; problems that did not come back in the next boot are cleared', async () => {
    const s = await setup(BOOT_B, { tail: ok(CLEAN_TAIL) });
    await seedLastBoot(s.store, BOOT_A);
    const out = await s.run();
    expect(out.report.cleanShutdown).toBe(true);
    const engine = new IncidentEngine(s.store);
    const old = await engine.record({ source: 'boot-check', severity: 'warn', summary: 'some old problem', subject: 'x.service' });
    await s.store.update('state', (doc) => {
      doc.lastBoot!.open.push({ check: 'previous-boot', subject: 'x.service', fingerprint: old.incident.fingerprints[0]!, severity: 'warn', summary: 'some old problem', incidentId: old.incident.id, since: T0.toISOString() });
    });
    await writeProc(s.procRoot, { bootId: BOOT_A, uptime: '95.0 90.0\n' });
    await s.run();
    const incidents = (await s.store.read('incidents')).incidents;
    expect(incidents.find((i) => i.id === old.incident.id)!.status).toBe('resolved');
    expect(incidents.find((i) => i.subject === 'nginx.service')!.status).toBe('open');
  });

  test('volatile journal: previous boot unavailable, shutdown unknown, no failure', async () => {
    const s = await setup(BOOT_B, { tail: { stdout: '', stderr: 'Specifying boot ID or boot offset has no effect, no persistent journal was found.\n', exitCode: 1 } });
    await seedLastBoot(s.store, BOOT_A);
    const out = await s.run();
    expect(out.report).toMatchObject({ rebooted: true, cleanShutdown: null, found: [] });
    expect(out.previousBoot!.note).toMatch(/persistent/);
  });

  test('learned patterns are checked first, boot-relative ones before the others, then the standard set', async () => {
    const s = await setup(BOOT_A, { units: { 'nginx.service': 'LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nType=notify\n' } });
    const engine = new IncidentEngine(s.store, { now: () => T0, uptimeSec: async () => 3600 });
    const nginx = await engine.record({ source: 'healthcheck', severity: 'warn', summary: 'unit nginx.service has failed', subject: 'nginx.service' });
    const cfg = await engine.record({ source: 'mcp', severity: 'warn', summary: 'nginx config broken after edit', subject: 'nginx-config' });
    const disk = await engine.record({ source: 'healthcheck', severity: 'warn', summary: 'filesystem / is 95% full', subject: 'disk:/' });
    await engine.record({ source: 'mcp', severity: 'warn', summary: 'something without checks', subject: 'misc' });
    await s.store.update('patterns', (doc) => {
      for (const p of doc.patterns) {
        if (p.id === nginx.pattern.id) p.sinceBootSec = [30, 45, 60];
        if (p.id === cfg.pattern.id) p.checks = [{ kind: 'config-test', argv: ['nginx', '-t'] }];
        if (p.id === disk.pattern.id) p.checks = [{ kind: 'threshold', check: 'disk', metric: 'root_used_pct', op: '<', value: 90 }];
      }
    });
    const out = await s.run();
    const checked = out.report.checked;
    expect(checked.map((c) => c.order)).toEqual(checked.map((_, i) => i + 1));
    const firstStandard = checked.findIndex((c) => c.source === 'standard');
    expect(checked.slice(firstStandard).every((c) => c.source === 'standard')).toBe(true);
    expect(checked.slice(firstStandard).map((c) => c.id)).toEqual(['disk', 'inodes', 'memory', 'swap', 'load', 'oom', 'journal', 'failed-units', 'time-sync', 'ollama', 'mcp-sessions']);
    const patternChecks = checked.slice(0, firstStandard);
    // The boot-relative pattern (seen within minutes of boot) goes first, whatever its score.
    expect(patternChecks[0]).toMatchObject({ patternId: nginx.pattern.id, id: 'unit-active:nginx.service', status: 'warn', message: 'nginx.service is failed/failed (result exit-code)' });
    expect(new Set(patternChecks.map((c) => c.patternId))).toEqual(new Set([nginx.pattern.id, cfg.pattern.id, disk.pattern.id]));
    expect(patternChecks.find((c) => c.patternId === cfg.pattern.id && c.id === 'config-test:nginx -t')).toMatchObject({ status: 'warn', message: expect.stringContaining('unknown directive') });
    expect(patternChecks.find((c) => c.id.startsWith('threshold:'))).toMatchObject({ status: 'ok', message: 'disk.root_used_pct = 50 (holds < 90)' });
    expect(s.calls).toEqual(expect.arrayContaining([['/usr/sbin/nginx', '-t']]));
    // Two patterns test nginx's config: the command ran once.
    expect(s.calls.filter((c) => c[0] === '/usr/sbin/nginx')).toHaveLength(1);
    // The failing pattern check is recorded on the very pattern it came from.
    const recorded = (await s.store.read('incidents')).incidents.filter((i) => i.source === 'boot-check');
    expect(recorded.map((i) => i.patternId).sort()).toEqual([nginx.pattern.id, cfg.pattern.id].sort());
  });
});
