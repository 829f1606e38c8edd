import { describe, expect, test } from '@jest/globals';
import { boundEvent, buildMessage, emailMessage, fixRecord, findingEvents, headerValue, webhookBody, type TrackedFinding } from '../../src/index';

const AT = '2026-12-01T10:00:00.000Z';

describe('messages', () => {
  test('an opening names the host, what is wrong and the known fix with how often it worked', () => {
    const e = boundEvent({ kind: 'open', check: 'failed-units', subject: 'nginx.service', severity: 'crit', summary: 'unit nginx.service has failed', at: AT, incidentId: 'inc-1', evidence: ['nginx: bind() to 0.0.0.0:80 failed'], knownFix: { action: 'systemctl restart nginx.service', successes: 4, failures: 1 } });
    const m = buildMessage(e, 'web-1');
    expect(m.title).toBe('[CRITICAL] web-1: unit nginx.service has failed');
    expect(m.body).toContain('Host: web-1');
    expect(m.body).toContain('Known fix: systemctl restart nginx.service (worked 4 of 5 times)');
    expect(m.body).toContain('nginx: bind() to 0.0.0.0:80 failed');
    expect(m.priority).toBe(5);
  });

  test('a recovery says so and carries no fix', () => {
    const e = boundEvent({ kind: 'recover', check: 'disk', subject: '/', severity: 'warn', summary: 'disk / is full', at: AT, knownFix: { action: 'x', successes: 1, failures: 0 } });
    const m = buildMessage(e, 'h');
    expect(m.title).toBe('[RECOVERED] h: disk / is full');
    expect(m.recovered).toBe(true);
    expect(m.body).not.toContain('Known fix');
  });

  test('fix record wording', () => {
    expect(fixRecord({ successes: 0, failures: 0 })).toBe('not tried yet');
    expect(fixRecord({ successes: 1, failures: 0 })).toBe('worked 1 of 1 time');
  });

  test('bounded: a huge summary and evidence are cut', () => {
    const e = boundEvent({ kind: 'open', check: 'c', subject: 's', severity: 'warn', summary: 'x'.repeat(100_000), at: AT, evidence: Array.from({ length: 50 }, () => 'y'.repeat(5000)) });
    expect(e.summary.length).toBeLessThanOrEqual(600);
    expect(e.evidence).toHaveLength(10);
    const m = buildMessage(e, 'h');
    expect(m.title.length).toBeLessThanOrEqual(250);
    expect(m.body.length).toBeLessThanOrEqual(3500);
  });

  test('webhook bodies: json document, Slack text, Discord content within 2000', () => {
    const e = boundEvent({ kind: 'open', check: 'c', subject: 's', severity: 'warn', summary: 'S', at: AT, evidence: ['z'.repeat(300), 'z'.repeat(300)] });
    const m = buildMessage(e, 'h');
    expect(webhookBody('json', m, e, 'h')).toMatchObject({ host: 'h', event: 'open', severity: 'warn', summary: 'S', knownFix: null });
    expect(webhookBody('slack', m, e, 'h')).toEqual({ text: `${m.title}\n${m.body}` });
    const long = buildMessage({ ...e, summary: 'q'.repeat(600), evidence: Array(10).fill('w'.repeat(300)) }, 'h');
    expect((webhookBody('discord', long, e, 'h') as { content: string }).content.length).toBeLessThanOrEqual(2000);
  });

  test('e-mail: a header cannot be injected through a summary; non-ASCII subjects are encoded', () => {
    expect(headerValue('a\r\nBcc: x@y')).toBe('a Bcc: x@y');
    expect(headerValue('Plätze')).toMatch(/^=\?UTF-8\?B\?/);
    const e = boundEvent({ kind: 'open', check: 'c', subject: 's', severity: 'crit', summary: 'evil\r\nBcc: victim@example.com', at: AT });
    const mail = emailMessage(buildMessage(e, 'h'), 'a@h', ['b@h'], new Date(AT), 'id@h');
    const headers = mail.split('\r\n\r\n')[0]!.split('\r\n');
    expect(headers.some((l) => l.startsWith('Bcc:'))).toBe(false);
  });
});

describe('finding events', () => {
  const t = (subject: string, severity: 'warn' | 'crit', over: Partial<TrackedFinding> = {}): TrackedFinding => ({ check: 'disk', subject, fingerprint: `fp-${subject}`, severity, summary: `disk ${subject} full`, incidentId: `inc-${subject}`, since: AT, ...over });
  test('open, escalate and recover; an unchanged finding is no event', () => {
    const events = findingEvents([t('/', 'warn'), t('/var', 'warn'), t('/srv', 'crit')], [t('/', 'crit'), t('/var', 'warn'), t('/home', 'warn')], new Date(AT));
    expect(events.map((e) => `${e.kind} ${e.subject} ${e.severity}`).sort()).toEqual(['escalate / crit', 'open /home warn', 'recover /srv crit']);
  });
  test('the known fix goes with the opening', () => {
    const key = `disk\u0000/\u0000fp-/`;
    const [e] = findingEvents([], [t('/', 'warn')], new Date(AT), { fixes: new Map([[key, { action: 'apt-get clean', successes: 2, failures: 0 }]]) });
    expect(e!.knownFix).toEqual({ action: 'apt-get clean', successes: 2, failures: 0 });
  });
});
