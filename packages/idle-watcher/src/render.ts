import type { IdleOutcome } from './run-idle-watcher';

const fmt = (n: number | null, digits = 1) => (n === null ? '?' : n.toFixed(digits));

/** One line for the journal and a human: mode, the sample, and the reclamation outlook. */
export function renderText(o: IdleOutcome): string {
  const net = o.netBytesPerSec === null ? '?' : `${(o.netBytesPerSec / 1024).toFixed(1)} KiB/s`;
  const lines = [
    `${o.mode.toUpperCase()}${o.transition ? ` (${o.transition})` : ''} - ${o.decision.reason}; CPU ${fmt(o.cpuPercent)}%, memory ${fmt(o.memUsedPercent)}% used, network ${net}; last MCP activity ${o.lastActivity}`,
  ];
  if (o.reclamation) lines.push(`reclamation (${o.shape}): ${o.reclamation.status.toUpperCase()} - ${o.reclamation.message}`);
  for (const a of o.actions) lines.push(`action: ${a}`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(o: IdleOutcome): string {
  return `${JSON.stringify(o, null, 2)}\n`;
}
