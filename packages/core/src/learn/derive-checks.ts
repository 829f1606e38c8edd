import type { PatternCheck } from '../state/schemas';

// Config tests that a careful operator runs before restarting these services.
const CONFIG_TESTS: Record<string, string[]> = {
  nginx: ['nginx', '-t'],
  apache2: ['apache2ctl', 'configtest'],
  httpd: ['apachectl', 'configtest'],
  ssh: ['sshd', '-t'],
  sshd: ['sshd', '-t'],
  haproxy: ['haproxy', '-c', '-f', '/etc/haproxy/haproxy.cfg'],
  postfix: ['postfix', 'check'],
  named: ['named-checkconf'],
  bind9: ['named-checkconf'],
  caddy: ['caddy', 'validate', '--config', '/etc/caddy/Caddyfile'],
  'php-fpm': ['php-fpm', '-t'],
  squid: ['squid', '-k', 'parse'],
};

const UNIT_NAME = /^[A-Za-z0-9@._:-]+\.(service|socket|timer|mount|path)$/;

/** The longest literal run of a template: what to grep the journal for. */
export function templateSignature(template: string): string | null {
  const runs = template.split('<*>').map((s) => s.trim()).filter((s) => s.length >= 8);
  runs.sort((a, b) => b.length - a.length);
  return runs[0] ?? null;
}

/**
 * Pure: the checks that reveal a pattern, derived from what an incident says. A unit subject gives
 * "the unit is active" and, for well-known daemons, their config test; evidence gives a journal
 * signature that must be absent.
 */
export function deriveChecks(subject: string | undefined, evidenceTemplates: string[]): PatternCheck[] {
  const checks: PatternCheck[] = [];
  const unit = subject && UNIT_NAME.test(subject) ? subject : undefined;
  if (unit) {
    checks.push({ kind: 'unit-active', unit });
    const base = unit.replace(/@.*$/, '').replace(/\.[a-z]+$/, '').replace(/\d+(\.\d+)*-fpm$/, '-fpm').replace(/^php-?-fpm$/, 'php-fpm');
    const test = CONFIG_TESTS[base];
    if (test) checks.push({ kind: 'config-test', argv: test });
  }
  for (const template of evidenceTemplates.slice(0, 2)) {
    const signature = templateSignature(template);
    if (signature) checks.push({ kind: 'journal-absent', signature, ...(unit ? { unit } : {}) });
  }
  return checks;
}

/** Adds checks that are not there yet (structural equality). Mutates `into`. */
export function mergeChecks(into: PatternCheck[], more: PatternCheck[]): void {
  const seen = new Set(into.map((c) => JSON.stringify(c)));
  for (const c of more) {
    const key = JSON.stringify(c);
    if (!seen.has(key)) {
      seen.add(key);
      into.push(c);
    }
  }
}
