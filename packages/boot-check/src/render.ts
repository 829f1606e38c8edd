import type { BootCheckOutcome } from './run-boot-check';

const LABEL = { ok: 'OK', warn: 'WARNING', crit: 'CRITICAL' } as const;

export function renderText(o: BootCheckOutcome): string {
  const r = o.report;
  const shutdown = r.cleanShutdown === null ? 'shutdown unknown' : r.cleanShutdown ? 'clean shutdown' : 'UNCLEAN shutdown';
  const bad = r.checked.filter((c) => c.status === 'warn' || c.status === 'crit' || c.status === 'failed');
  const lines = [
    `${LABEL[o.status]} - ${r.rebooted ? `rebooted (${shutdown})` : 'no reboot since the last check'}, ${r.found.length} problems in the previous boot, ${bad.length} of ${r.checked.length} checks not ok`,
  ];
  if (o.previousBoot && !o.previousBoot.available) lines.push(`note: ${o.previousBoot.note}`);
  for (const f of r.found) lines.push(`found ${f.severity.toUpperCase()} ${f.subject ?? ''}: ${f.summary} (x${f.count})`);
  for (const c of r.checked) lines.push(`${String(c.order).padStart(3)} ${c.status.toUpperCase().padEnd(7)} ${c.source === 'pattern' ? `[${c.patternId}] ` : ''}${c.id}: ${c.message}`);
  for (const s of o.suggestions) lines.push(`suggestion: ${s}`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(o: BootCheckOutcome): string {
  return `${JSON.stringify({ status: o.status, ...o.report, incidents: o.incidents, suggestions: o.suggestions }, null, 2)}\n`;
}
