import { isNotInstalled, type RunCommand } from '@ldm/core';
import { groupProblems, isKernelTrouble, parseJournalJson, wasCleanShutdown, type Problem } from './previous-boot';

export interface PreviousBoot {
  /** False when journalctl could not show the previous boot (volatile journal, first boot). */
  available: boolean;
  note: string;
  cleanShutdown: boolean | null;
  problems: Problem[];
  lines: number;
}

const FIELDS = '--output-fields=MESSAGE,PRIORITY,SYSLOG_IDENTIFIER,_SYSTEMD_UNIT,UNIT,_TRANSPORT,_COMM';

/**
 * The previous boot's errors (-p err), its kernel trouble (-k) and how it ended, from journalctl.
 * `fingerprintsOf` groups the messages (the incident engine's log parser); without it, masking alone.
 */
export async function readPreviousBoot(runCommand: RunCommand, maxProblems = 30, fingerprintsOf?: (messages: string[]) => Promise<string[]>): Promise<PreviousBoot> {
  const run = (args: string[]) => runCommand(['journalctl', '-b', '-1', '--no-pager', ...args], { timeoutMs: 60_000 });
  let tail;
  try {
    tail = await run(['-n', '40', '-o', 'cat']);
  } catch (err) {
    if (isNotInstalled(err)) return { available: false, note: 'journalctl is not installed', cleanShutdown: null, problems: [], lines: 0 };
    throw err;
  }
  const hasLines = tail.stdout.split('\n').some((l) => l.trim() && !/^-- .* --$/.test(l.trim()));
  if (tail.exitCode !== 0 || !hasLines) {
    const why = (tail.stderr.trim() || tail.stdout.trim()).split('\n')[0] ?? '';
    return { available: false, note: `no journal of the previous boot (${why || `exit ${tail.exitCode}`}); make it persistent: mkdir -p /var/log/journal`, cleanShutdown: null, problems: [], lines: 0 };
  }
  const [errors, kernel] = await Promise.all([run(['-p', 'err', '-o', 'json', FIELDS, '-n', '5000']), run(['-k', '-o', 'json', FIELDS, '-n', '20000'])]);
  for (const [name, r] of [['-p err', errors], ['-k', kernel]] as const) {
    if (r.exitCode !== 0) throw new Error(`journalctl -b -1 ${name} exited ${r.exitCode}: ${r.stderr.trim().split('\n')[0]}`);
  }
  const entries = [...parseJournalJson(errors.stdout), ...parseJournalJson(kernel.stdout).filter(isKernelTrouble)];
  return {
    available: true,
    note: `${entries.length} error and kernel lines in the previous boot`,
    cleanShutdown: wasCleanShutdown(tail.stdout.split('\n')),
    problems: groupProblems(entries, maxProblems, fingerprintsOf ? await fingerprintsOf(entries.map((e) => e.message)) : undefined),
    lines: entries.length,
  };
}
