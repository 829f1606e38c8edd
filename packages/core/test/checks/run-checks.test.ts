import { describe, expect, test } from '@jest/globals';
import { emptyDocument, nagiosLine, overallStatus, parseConfig, runChecks, STATUS_EXIT, type CheckReport, type HealthCheck } from '@ldm/core';
import { fakeDeps } from './proc-fixture';

const fixed = (id: string, status: 'ok' | 'warn' | 'crit', metrics: Record<string, number> = {}): HealthCheck => ({
  id,
  defaultEnabled: true,
  run: async () => ({ status, message: `${id} says ${status}`, metrics }),
});

describe('runChecks', () => {
  test('a check that throws is failed, a slow one times out, the others still report', async () => {
    const throwing: HealthCheck = { id: 'boom', defaultEnabled: true, run: async () => Promise.reject(new Error('bad input', { cause: new Error('root cause') })) };
    let aborted = false;
    const slow: HealthCheck = {
      id: 'slow',
      defaultEnabled: true,
      run: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve({ status: 'ok', message: 'late', metrics: {} }), 5000).unref();
        }),
    };
    const { reports } = await runChecks({
      checks: [throwing, slow, fixed('fine', 'ok')],
      deps: fakeDeps('/nonexistent'),
      config: parseConfig({ healthcheck: { checkTimeoutMs: 200 } }, 't'),
      state: emptyDocument('state'),
      memory: {},
    });
    expect(reports.map((r) => [r.id, r.status])).toEqual([['boom', 'failed'], ['slow', 'failed'], ['fine', 'ok']]);
    expect(reports[0]!.message).toBe('bad input: root cause');
    expect(reports[1]!.message).toMatch(/did not finish within 200 ms/);
    expect(aborted).toBe(true);
  });

  // Config only takes the registry's ids, so the stand-ins borrow two of them.
  test('a disabled check is skipped; a default-off check runs when enabled in config', async () => {
    const off: HealthCheck = { ...fixed('ollama', 'warn'), defaultEnabled: false };
    const base = { deps: fakeDeps('/x'), state: emptyDocument('state'), memory: {} };
    const r1 = await runChecks({ ...base, checks: [off, fixed('disk', 'ok')], config: parseConfig({ healthcheck: { checks: { disk: { enabled: false } } } }, 't') });
    expect(r1.reports.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    const r2 = await runChecks({ ...base, checks: [off], config: parseConfig({ healthcheck: { checks: { ollama: { enabled: true } } } }, 't') });
    expect(r2.reports[0]!.status).toBe('warn');
    expect(r2.reports[0]!.findings).toEqual([{ subject: 'ollama', severity: 'warn', summary: 'ollama: ollama says warn' }]);
  });
});

const report = (id: string, status: CheckReport['status'], metrics: Record<string, number> = {}): CheckReport => ({ id, status, message: `${id} ${status}`, metrics, findings: [], durationMs: 1 });

describe('overall status and the Nagios line', () => {
  test('failed counts as warn, skipped as ok, crit wins', () => {
    expect(overallStatus([report('a', 'ok'), report('b', 'skipped')])).toBe('ok');
    expect(overallStatus([report('a', 'ok'), report('b', 'failed')])).toBe('warn');
    expect(overallStatus([report('a', 'warn'), report('b', 'crit'), report('c', 'failed')])).toBe('crit');
    expect(STATUS_EXIT).toEqual({ ok: 0, warn: 1, crit: 2 });
  });

  test('starts with OK/WARNING/CRITICAL, lists what is wrong, then perfdata after one |', () => {
    const ok = nagiosLine('ok', [report('disk', 'ok', { root_used_pct: 42.1 }), report('ollama', 'skipped')]);
    expect(ok).toBe('OK - 1 checks ok, 1 skipped | disk.root_used_pct=42.1%');
    const bad = nagiosLine('crit', [report('disk', 'crit', { root_used_pct: 99 }), report('oom', 'failed'), report('load', 'ok', { load15: 0.5 })]);
    expect(bad.startsWith('CRITICAL - disk: disk crit; oom (check failed): oom failed | ')).toBe(true);
    expect(bad.split('|')).toHaveLength(2);
    expect(bad).toContain('load.load15=0.5');
  });
});
